import { test as base, expect, Response } from '@playwright/test';
import { appendFileSync, mkdirSync } from 'node:fs';
import { MOCK_KEY, RUN_DIR } from '../playwright.config';

// Our servers (the app, the SSO app and nginx in front of it, the two replicas and their load
// balancer, the app with approvals); the mock is the vendor's stand-in.
const OURS = /^http:\/\/127\.0\.0\.1:(3456|3458|3459|3460|3461|3462|3463|3464|3467)\//;

/** A presigned download link's signature: a bearer credential. */
const PRESIGNED = /X-Amz-(Signature|Credential)=/;
/** The only replies allowed to carry one: the share page showing a link to its sharer, and its data. */
const SHARE_REPLY = /\/recordings\/[^/?]+\/share\?shared=\d+$|\/api\/recordings\/shared\?/;
/** The audited redirects, whose Location is the link. */
const FILE_REDIRECT = /\/recordings\/[^/?]+\/(download|preview)$/;

/** Every response from our servers, in every test, is checked for the sentinel key and for
 * presigned links (allowed only in the share reply and the audited redirects' Location). */
export const test = base.extend<{ secretScan: void }>({
  secretScan: [
    async ({ page }, use, info) => {
      const checks: Promise<void>[] = [];
      const leaks: string[] = [];
      let scanned = 0;
      const scan = async (res: Response) => {
        if (!OURS.test(res.url())) return;
        // The raw headers can be gone when a navigation is replaced while its reply arrives
        // (seen once: "Target page, context or browser has been closed"); the headers Playwright
        // already holds are then scanned instead.
        const all = await res.allHeaders().catch(() => res.headers());
        const path = new URL(res.url()).pathname;
        const search = new URL(res.url()).search;
        if (res.status() === 303 && FILE_REDIRECT.test(path)) delete all.location;
        const headers = JSON.stringify(all);
        // Redirects and aborted loads have no body to read.
        const body = await res.body().then((b) => b.toString('latin1'), () => '');
        scanned++;
        if (headers.includes(MOCK_KEY) || body.includes(MOCK_KEY)) leaks.push(res.url());
        if (PRESIGNED.test(headers) || (PRESIGNED.test(body) && !SHARE_REPLY.test(path + search))) leaks.push(`${res.url()} (presigned link)`);
      };
      page.on('response', (res) => checks.push(scan(res)));
      await use();
      await Promise.all(checks);
      expect(leaks, 'responses that carried the API key or a presigned link').toEqual([]);
      mkdirSync(RUN_DIR, { recursive: true });
      appendFileSync(`${RUN_DIR}/scanned-responses.txt`, `${info.project.name}\t${info.title}\t${scanned}\n`);
    },
    { auto: true },
  ],
});

export { expect };
