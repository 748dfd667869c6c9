import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, type Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { isJs, MOCK, seedMeeting } from './helpers';
import { DELETIONS_PORT, MOCK_KEY } from '../playwright.config';

// The instance where a deletion waits for a second admin's approval, then 4 s of grace.
const BASE = `http://127.0.0.1:${DELETIONS_PORT}`;
const ADA = { name: 'ada', password: 'e2e-admin-password' };
const BEA = { name: 'bea', password: 'e2e-second-admin-password' };

async function recordingCount(request: APIRequestContext, id: string) {
  const res = await request.get(`${MOCK}/admin/meetings/recordings/${id}`, { headers: { 'CB-Administration-API-Key': MOCK_KEY } });
  return (await res.json()).length as number;
}

async function signInAs(page: Page, who: { name: string; password: string }) {
  await page.goto(`${BASE}/sign-in?next=%2F`);
  await page.getByLabel('Username').fill(who.name);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

async function go(page: Page, path: string, js: boolean) {
  await page.goto(`${BASE}${path}`);
  if (js) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Confirms the deletion of the meeting's `n` recordings as whoever is signed in; returns the request number. */
async function requestDeletion(page: Page, id: string, n: number, reason: string, js: boolean) {
  await go(page, `/meetings/${id}/recordings`, js);
  await page.getByRole('link', { name: 'Delete all recordings' }).click();
  const form = js ? page.getByRole('dialog') : page.getByRole('main');
  await expect(form.getByText('a second person allowed to delete must approve it')).toBeVisible();
  await form.getByLabel('Reason or ticket reference').fill(reason);
  await form.getByRole('button', { name: `Delete ${n} recordings` }).click();
  await expect(page).toHaveURL(/\?requested=\d+$/);
  await expect(page.getByRole('status').filter({ hasText: 'Nothing is deleted until it runs.' })).toBeVisible();
  return Number(new URL(page.url()).searchParams.get('requested'));
}

/** Signs `who` in on a context of its own, for the API (the second person, beside the page). */
async function apiAs(playwright: typeof import('@playwright/test'), who: { name: string; password: string }) {
  const ctx = await playwright.request.newContext({ baseURL: BASE, extraHTTPHeaders: { origin: BASE } });
  const res = await ctx.post('/api/sign_in', { form: { username: who.name, password: who.password, next: '/' }, headers: { accept: 'application/json' } });
  expect(res.status()).toBe(200);
  return ctx;
}

test('request a deletion, then cancel it: nothing is deleted', async ({ page, request }, info) => {
  const js = isJs(info);
  await signInAs(page, ADA);
  const id = await seedMeeting(request, 2);
  const n = await requestDeletion(page, id, 2, 'TICKET-900 customer asked', js);
  const notice = page.locator('.deletion-notice');
  await expect(notice).toContainText('Deletion awaits approval by a second person');
  await expect(notice).toContainText('requested by ada: TICKET-900 customer asked');
  await expect(page.getByRole('link', { name: 'Delete all recordings' })).toHaveCount(0);
  await notice.getByRole('button', { name: 'Cancel deletion' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Deletion request #${n} cancelled: nothing was deleted.` })).toBeVisible();
  await expect(page.locator('.deletion-notice')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Delete all recordings' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'History of this meeting' })).toContainText('Cancel deletion');
  expect(await recordingCount(request, id)).toBe(2);
});

test('a second admin approves, and the deletion runs after its grace period; the requester cannot approve', async ({ page, request, playwright }, info) => {
  test.setTimeout(60_000);
  const js = isJs(info);
  await signInAs(page, ADA);
  const id = await seedMeeting(request, 2);
  const n = await requestDeletion(page, id, 2, 'GDPR-881 erasure', js);

  // The requester sees the request but no way to approve it, and the server refuses it anyway.
  await go(page, `/deletions/${n}`, js);
  await expect(page.getByText('You asked for it, so someone else allowed to delete must approve it.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve deletion' })).toHaveCount(0);
  const self = await page.request.post(`${BASE}/api/deletions/approve`, { form: { request_id: String(n), comment: '' }, headers: { origin: BASE } });
  expect(self.status()).toBe(403);
  expect((await self.json()).kind).toBe('own_deletion_request');

  // The second admin finds it on the Deletions page and approves it with a comment.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, BEA);
  await go(page, '/', js);
  await expect(page.getByRole('region', { name: 'Deletions waiting for your approval' }).getByRole('link', { name: `Request #${n}` })).toBeVisible();
  await go(page, '/deletions', js);
  const row = page.getByRole('row').filter({ hasText: `#${n}` });
  await expect(row).toContainText('awaiting approval');
  await expect(row).toContainText('GDPR-881 erasure');
  await row.getByRole('link', { name: 'Review' }).click();
  await expect(page.getByRole('heading', { name: `Deletion request #${n}` })).toBeVisible();
  await expect(page.getByRole('region', { name: 'What it deletes, and why' })).toContainText('2 recordings');
  if (js) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  if (js) {
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`), 'axe on the approval page').toEqual([]);
  }
  await page.getByLabel('Comment (optional)').fill('checked with legal');
  await page.getByRole('button', { name: 'Approve deletion' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Approved: the deletion runs when its grace period ends.' })).toBeVisible();
  const notice = page.locator('.deletion-notice');
  await expect(notice).toContainText('Deletion scheduled for');
  expect(await recordingCount(request, id)).toBe(2);
  if (js) {
    // It counts down in seconds, live.
    const before = await notice.locator('.countdown').textContent();
    expect(before).toMatch(/\(in \d+ s\)$/);
    await expect(notice.locator('.countdown')).not.toHaveText(before ?? '', { timeout: 2_500 });
  }
  await expect.poll(() => recordingCount(request, id), { timeout: 20_000 }).toBe(0);
  // The page shows the result once it has run, by itself (a reload with or without JavaScript).
  await expect(page.locator('.deletion-notice')).toContainText('Deleted 2 recordings, requested by ada: GDPR-881 erasure', { timeout: 20_000 });
  await expect(page.getByText('by bea,')).toBeVisible();
  await go(page, `/meetings/${id}/recordings`, js);
  const history = page.getByRole('region', { name: 'History of this meeting' });
  for (const step of ['Request deletion', 'Approve deletion', 'Delete recordings']) await expect(history).toContainText(step);
});

test('an open request waits while its meeting is on legal hold', async ({ page, request, playwright }, info) => {
  test.setTimeout(60_000);
  const js = isJs(info);
  await signInAs(page, ADA);
  const id = await seedMeeting(request, 2);
  const n = await requestDeletion(page, id, 2, 'cleanup', js);
  const hold = page.getByRole('region', { name: 'Legal hold' });
  // Folded until wanted: placing a hold is not the page's main action.
  await hold.getByText('Put this meeting on legal hold…').click();
  await hold.getByLabel('Reason for the hold').fill('Litigation LIT-8');
  await hold.getByRole('button', { name: 'Put on legal hold' }).click();
  await expect(page).toHaveURL(/\?held=1$/);
  const bea = await apiAs(playwright, BEA);
  expect((await bea.post('/api/deletions/approve', { form: { request_id: String(n), comment: '' } })).status()).toBe(200);
  await go(page, `/meetings/${id}/recordings`, js);
  await expect(page.locator('.deletion-notice')).toContainText('Deletion waits: the meeting is on legal hold');
  // Well past the grace period, nothing was deleted.
  await page.waitForTimeout(6_000);
  expect(await recordingCount(request, id)).toBe(2);
  const lift = page.getByRole('region', { name: 'Lift the legal hold' });
  await lift.getByLabel('Why the hold ends').fill('Case closed');
  await lift.getByRole('button', { name: 'Lift the hold' }).click();
  await expect(page).toHaveURL(/\?released=1$/);
  await expect.poll(() => recordingCount(request, id), { timeout: 20_000 }).toBe(0);
  await bea.dispose();
});
