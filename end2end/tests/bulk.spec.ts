import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import { isJs, open, seedMeeting, signIn } from './helpers';

// Bulk work on the main server (deletes as soon as a request is made: DELETE_GRACE=0).

test('paste a list, check it, look it up, request the deletion, follow it to the end and export the results', async ({ page, request }, info) => {
  test.setTimeout(60_000);
  const js = isJs(info);
  const two = await seedMeeting(request, 2);
  const one = await seedMeeting(request, 1);
  const none = await seedMeeting(request, 0);
  await signIn(page, 'admin');
  await open(page, '/bulk', info);
  const box = page.getByLabel('Meeting ids');
  await box.fill(`${two}, ${one}\nGDPR-881\n${none}\n${two}\n`);
  if (js) await expect(page.locator('#bulk-ids-count')).toHaveText('3 meeting ids, 1 not a meeting id, 1 listed twice');
  await page.getByRole('button', { name: 'Check the list' }).click();
  await expect(page).toHaveURL(/\/bulk\/\d+$/);
  const batch = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { name: 'Lines not taken (2)' })).toBeVisible();
  await expect(page.getByText('Line 2: “GDPR-881” is not a meeting id')).toBeVisible();
  await expect(page.getByText('Checked: 3 meetings to look up. Nothing has been asked of ConnectyCube yet.')).toBeVisible();
  if (js) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');

  await page.getByRole('button', { name: 'Look up 3 meetings' }).click();
  await expect(page.getByText('Looked up: 2 of 3 meetings have recordings.')).toBeVisible();
  await expect(page.getByText('2 meetings with recordings: 3 recordings')).toBeVisible();
  if (js) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    const found = await new AxeBuilder({ page }).analyze();
    expect(found.violations.map((v) => v.id), 'axe on the batch preview').toEqual([]);
  }

  await page.getByLabel('Reason or ticket reference').fill('GDPR-881 erasure');
  await page.getByRole('button', { name: 'Request deletion of 3 recordings in 2 meetings' }).click();
  await expect(page.getByText('Deletion requested by ada')).toBeVisible();
  // The page follows the work: live with JavaScript, reloading itself without it.
  await expect(page.getByText('Finished: recordings of 2 meetings deleted (3 recordings), 0 failed or unclear.')).toBeVisible({ timeout: 20_000 });
  const rows = page.locator('table.batch-items tbody tr');
  await expect(rows.filter({ hasText: two })).toContainText('deleted 2');
  await expect(rows.filter({ hasText: one })).toContainText('deleted 1');
  await expect(rows.filter({ hasText: none })).toContainText('nothing to delete');
  await expect(page.locator('progress')).toHaveAttribute('value', '100');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the results (CSV)' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^bulk-batch-\d+\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv).toContain(`${two},deleted,deleted 2`);
  expect(csv).toContain(`${none},nothing_to_delete`);
  expect(csv).toContain('not_a_meeting_id');
  expect(csv).toContain('GDPR-881 erasure');

  // The batch is listed on the Bulk page.
  await open(page, '/bulk', info);
  await expect(page.getByRole('link', { name: `#${batch.split('/').pop()}` })).toBeVisible();
});

test('upload a CSV file: it is read by its meeting_id column', async ({ page, request }, info) => {
  const a = await seedMeeting(request, 1);
  const b = await seedMeeting(request, 1);
  await signIn(page, 'admin');
  await open(page, '/bulk', info);
  const csv = `ticket,meeting_id,customer\nT-1,${a},"Acme, Inc."\nT-2,${b},Initech\n`;
  await page.getByLabel('Or a CSV or text file').setInputFiles({ name: 'erasure.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Check the list' }).click();
  await expect(page).toHaveURL(/\/bulk\/\d+$/);
  await expect(page.getByText('Checked: 2 meetings to look up.')).toBeVisible();
  await expect(page.getByText('“ticket,meeting_id,customer”, was read as column names')).toBeVisible();
  await expect(page.locator('table.batch-items tbody tr')).toHaveCount(2);
  // Edit the list: the text comes back to be changed and checked again.
  await page.getByRole('link', { name: 'Edit the list' }).click();
  await expect(page.getByLabel('Meeting ids')).toHaveValue(csv);
});

test('an empty list is refused at its field', async ({ page }, info) => {
  await signIn(page, 'admin');
  await open(page, '/bulk', info);
  await page.getByRole('button', { name: 'Check the list' }).click();
  await expect(page).toHaveURL(/\/bulk\?empty=1$/);
  await expect(page.locator('#bulk-ids-error')).toHaveText('Paste meeting ids, or choose a file with them.');
  await expect(page.getByLabel('Meeting ids')).toHaveAttribute('aria-invalid', 'true');
});
