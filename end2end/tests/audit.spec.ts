import { test, expect } from './fixtures';
import { open, isJs, seedMeeting, signIn } from './helpers';

test('an admin deletes with a reason, then finds it in the audit log and under the meeting', async ({ page, request }, info) => {
  await signIn(page, 'admin');
  const id = await seedMeeting(request, 2);
  const reason = `TICKET-${Math.floor(Math.random() * 1e6)} erase on request`;
  await open(page, `/meetings/${id}/recordings`, info);
  await expect(page.getByRole('heading', { name: 'History of this meeting' })).toBeVisible();
  await expect(page.getByText('Nothing has been done to this meeting through Meeting Admin.')).toBeVisible();
  await page.getByRole('link', { name: 'Delete all recordings' }).click();
  await page.getByLabel('Reason or ticket reference').fill(reason);
  await page.getByRole('button', { name: 'Delete 2 recordings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted 2 recordings.' })).toBeVisible();

  // Under the meeting.
  const history = page.locator('section.history');
  await expect(history.getByRole('row').filter({ hasText: reason })).toContainText('succeeded');
  await expect(history.getByRole('row').filter({ hasText: reason })).toContainText('2 recordings deleted');

  // In /audit, through the navigation and the filters.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  if (isJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Meeting id', { exact: true }).fill(id);
  await page.getByLabel('Action').selectOption('delete_recordings');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(new RegExp(`meeting_id=${id}`));
  const row = page.getByRole('table').getByRole('row').filter({ hasText: reason });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Delete recordings');
  await expect(row).toContainText('ada (admin, password)');
  await expect(row).toContainText('ConnectyCube HTTP 200');
  await expect(page.getByRole('status')).toHaveText('1 entry.');
  // The meeting id leads back to its recordings.
  await row.getByRole('link', { name: id }).click();
  await expect(page).toHaveURL(new RegExp(`/meetings/${id}/recordings$`));
});

test('a bad filter is explained at its field; the CSV export has the rows', async ({ page }, info) => {
  await signIn(page, 'admin');
  await open(page, '/audit?from=tomorrow', info);
  const from = page.getByLabel('From (UTC)');
  await expect(from).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText("'tomorrow' is not a date; use YYYY-MM-DD.")).toBeVisible();
  await open(page, '/audit?action=sign_in', info);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('audit-log.csv');
  const text = await (await file.createReadStream()).toArray();
  const csv = Buffer.concat(text).toString();
  expect(csv.split('\r\n')[0]).toMatch(/^id,time_utc,user,role,/);
  expect(csv).toContain(',ada,admin,password,');
});

test('the audit log is for admins only', async ({ page }, info) => {
  await signIn(page, 'operator');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  await open(page, '/audit', info);
  await expect(page.getByRole('alert')).toContainText('may not read the audit log');
});
