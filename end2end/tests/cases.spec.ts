import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'fs';
import { test, expect } from './fixtures';
import { isJs, open, seedMeeting, signIn } from './helpers';

// On the main server deletions run at once (DELETE_GRACE 0, no approval), so a case's batch is
// done within seconds of its request.
test('open a case, add meetings, request deletion, see it done and download its signed record', async ({ page, request }, info) => {
  test.setTimeout(60_000);
  const js = isJs(info);
  const a = await seedMeeting(request, 2);
  const b = await seedMeeting(request, 1);
  const ref = `E2E-${info.project.name}-${Date.now()}`;
  const today = new Date().toISOString().slice(0, 10);
  await signIn(page, 'admin');
  await open(page, '/cases', info);

  // A missing day comes back beside its field; nothing is opened.
  await page.getByLabel('Reference (ticket)').fill(ref);
  await page.getByRole('button', { name: 'Open the case' }).click();
  await expect(page.getByText('Give the day the request was received.')).toBeVisible();
  await expect(page.getByLabel('Received')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Reference (ticket)').fill(ref);
  await page.getByLabel('Received').fill(today);
  await page.getByRole('button', { name: 'Open the case' }).click();
  await expect(page.getByText('Case opened. Add the meetings it covers.')).toBeVisible();
  await expect(page.getByRole('heading', { name: `Case ${ref}` })).toBeVisible();
  const caseUrl = new URL(page.url()).pathname;

  await page.getByLabel('Meeting ids or links, one per line').fill(`${a}\n${b}\n`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByText('2 meeting(s) added.')).toBeVisible();
  if (js) {
    const found = await new AxeBuilder({ page }).analyze();
    expect(found.violations.map((v) => v.id), 'axe on a case').toEqual([]);
  }
  await page.getByRole('button', { name: 'Request deletion for 2 meeting(s)' }).click();
  await expect(page.getByText(/Deletion requested in batch #\d+/)).toBeVisible();

  // The page follows the batch; both meetings end deleted.
  await expect(async () => {
    await page.goto(caseUrl);
    await expect(page.locator('td.result.deleted')).toHaveCount(2, { timeout: 500 });
  }).toPass({ timeout: 20_000 });

  // A meeting's page says what became of its recordings, not ConnectyCube's guess.
  await open(page, `/meetings/${a}/recordings`, info);
  await expect(page.getByText(/^All 2 recordings were deleted at .* \(Erasure case E2E-/)).toBeVisible();
  await open(page, caseUrl, info);

  await page.getByRole('button', { name: 'Close the case' }).click();
  await expect(page.getByText('Case closed; its deletion record is signed and kept.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'done: closed' })).toBeVisible();

  await page.getByRole('link', { name: 'The deletion record' }).click();
  await expect(page.getByRole('heading', { name: `Deletion record: case ${ref}` })).toBeVisible();
  await expect(page.getByRole('heading', { name: `Meeting ${a}` })).toBeVisible();
  if (js) {
    const found = await new AxeBuilder({ page }).analyze();
    expect(found.violations.map((v) => v.id), 'axe on the record').toEqual([]);
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download it, signed (JSON)' }).click()]);
  expect(download.suggestedFilename()).toBe(`deletion-record-${ref}.json`);
  const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
  expect(file.format).toBe('meeting-admin/deletion-record/1');
  expect(file.record.case.reference).toBe(ref);
  expect(file.record.summary.recordings_deleted).toBe(3);
  expect(file.signature.algorithm).toBe('Ed25519');
});
