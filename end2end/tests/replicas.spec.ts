import { execFileSync } from 'node:child_process';
import { test, expect } from './fixtures';
import { isJs, seedMeeting } from './helpers';
import { LB_PORT, REPLICA_PORTS, SERVER_BIN } from '../playwright.config';

// Two replicas on one PostgreSQL database behind nginx round-robin (replicas/start.sh).
const LB = `http://127.0.0.1:${LB_PORT}`;
const DATABASE_URL = process.env.REPLICAS_DATABASE_URL;
const PASSWORD = 'replica-test-password';

/** `meeting-admin user ...` on the replicas' database, as an operator at the console would. */
function console_(args: string[], input = '') {
  execFileSync(SERVER_BIN, args, { input, env: { ...process.env, DATABASE_URL }, stdio: ['pipe', 'ignore', 'pipe'] });
}

function newAccount(role: string): string {
  const name = `rep${Math.random().toString(36).slice(2, 10)}`;
  console_(['user', 'add', name, '--role', role], `${PASSWORD}\n`);
  return name;
}

async function signInAt(page: import('@playwright/test').Page, name: string, password: string) {
  await page.goto(`${LB}/sign-in?next=/`);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test.skip(!DATABASE_URL, 'needs the PostgreSQL server scripts/test.sh starts');

test('two replicas behind round-robin: one session throughout, a delete in both audit logs, a console disable on both', async ({ page, request }, info) => {
  const served = new Set<string>();
  page.on('response', (res) => {
    const replica = res.headers()['x-replica'];
    if (replica) served.add(replica);
  });
  const name = newAccount('admin');
  await signInAt(page, name, PASSWORD);
  await expect(page).not.toHaveURL(/\/sign-in/);

  // Keep working while the requests alternate between the replicas.
  const id = await seedMeeting(request, 2);
  for (let i = 0; i < 3; i++) {
    await page.goto(`${LB}/meetings/${id}/recordings`);
    await expect(page.getByRole('heading', { name: 'History of this meeting' })).toBeVisible();
    if (isJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
  const reason = `REPLICA-${Math.floor(Math.random() * 1e6)}`;
  await page.getByRole('link', { name: 'Delete all recordings' }).click();
  await page.getByLabel('Reason or ticket reference').fill(reason);
  await page.getByRole('button', { name: 'Delete 2 recordings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted 2 recordings.' })).toBeVisible();
  expect([...served].sort()).toEqual(REPLICA_PORTS.map((p) => `127.0.0.1:${p}`));

  // Each replica's own /audit has it, whichever one did the delete.
  for (const port of REPLICA_PORTS) {
    await page.goto(`http://127.0.0.1:${port}/audit?meeting_id=${id}`);
    await expect(page.getByRole('table').getByRole('row').filter({ hasText: reason })).toContainText('Delete recordings');
  }

  // Disabled at the console: refused on either replica within a second (README's promise; each
  // replica hears of the change through PostgreSQL's NOTIFY).
  console_(['user', 'disable', name]);
  for (const port of REPLICA_PORTS) {
    await expect
      .poll(async () => {
        await page.goto(`http://127.0.0.1:${port}/meetings/${id}/recordings`);
        return new URL(page.url()).pathname;
      }, { timeout: 1000, intervals: [50] })
      .toBe('/sign-in');
  }
});

test('the sign-in throttle counts failures made on either replica', async ({ page }) => {
  const name = newAccount('viewer');
  // Five wrong passwords, alternating between the replicas (sent as our own pages would).
  for (let i = 0; i < 5; i++) {
    const res = await page.request.post(`http://127.0.0.1:${REPLICA_PORTS[i % 2]}/api/sign_in`, {
      form: { username: name, password: `wrong password ${i}`, next: '/' },
      headers: { origin: LB, accept: 'application/json' },
    });
    expect(res.status()).toBe(401);
  }
  // The right one, through the load balancer, is now held back.
  await signInAt(page, name, PASSWORD);
  await expect(page.getByText(/Too many failed sign-ins\. Try again in \d+ s\./)).toBeVisible();
});
