import { test as base, expect, Response } from '@playwright/test';
import { appendFileSync, mkdirSync } from 'node:fs';
import { MOCK_KEY, RUN_DIR } from '../playwright.config';

// Our servers (the app, the SSO app and nginx in front of it, the two replicas and their load
// balancer); the mock is the vendor's stand-in.
const OURS = /^http:\/\/127\.0\.0\.1:(3456|3458|3459|3460|3461|3462|3463)\//;

/** Every response from our servers, in every test, is checked for the sentinel key. */
export const test = base.extend<{ secretScan: void }>({
  secretScan: [
    async ({ page }, use, info) => {
      const checks: Promise<void>[] = [];
      const leaks: string[] = [];
      let scanned = 0;
      const scan = async (res: Response) => {
        if (!OURS.test(res.url())) return;
        const headers = JSON.stringify(await res.allHeaders());
        // Redirects and aborted loads have no body to read.
        const body = await res.body().then((b) => b.toString('latin1'), () => '');
        scanned++;
        if (headers.includes(MOCK_KEY) || body.includes(MOCK_KEY)) leaks.push(res.url());
      };
      page.on('response', (res) => checks.push(scan(res)));
      await use();
      await Promise.all(checks);
      expect(leaks, 'responses that carried the API key').toEqual([]);
      mkdirSync(RUN_DIR, { recursive: true });
      appendFileSync(`${RUN_DIR}/scanned-responses.txt`, `${info.project.name}\t${info.title}\t${scanned}\n`);
    },
    { auto: true },
  ],
});

export { expect };
