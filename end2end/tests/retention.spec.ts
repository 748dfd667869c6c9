import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { isJs, open, seedMeeting, signIn } from './helpers';

// Retention on the main server. The rule is a host's (a host no other spec uses), so the
// meetings of other specs never become due; the sweep runs every 15 minutes, so nothing here
// waits for it.
const HOST = '987654321';

test('track meetings, preview a host rule, save it, then extend one meeting and keep another off the due list', async ({ page, request }, info) => {
  test.setTimeout(60_000);
  const js = isJs(info);
  const first = await seedMeeting(request, 2);
  const second = await seedMeeting(request, 1);
  await signIn(page, 'admin');
  await open(page, '/retention', info);
  await page.getByLabel('Meeting ids').fill(`${first}\n${second}\n`);
  await page.getByLabel("Their host's user id (optional)").fill(HOST);
  await page.getByRole('button', { name: 'Track these meetings' }).click();
  await expect(page.getByText('2 meetings tracked (2 new to the inventory)')).toBeVisible();

  // The inventory lists them at once (within its budget): wait until the meeting's page says so.
  await expect(async () => {
    await page.goto(`/retention/meetings/${first}`);
    await expect(page.getByText(/\(as of /)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });

  // A bad value comes back beside its field, nothing saved.
  await open(page, '/retention', info);
  const hostForm = page.locator('form.retention-rules').filter({ has: page.getByLabel('Host user id') });
  await hostForm.getByLabel('Host user id').fill('not-a-number');
  await hostForm.getByLabel('Period (days)').fill('1');
  await hostForm.getByRole('button', { name: 'Preview the change' }).click();
  await expect(page.getByText("'not-a-number' is not a user id")).toBeVisible();
  await expect(page.getByLabel('Host user id')).toHaveAttribute('aria-invalid', 'true');

  // The dry run names both meetings, before anything is saved.
  await page.getByLabel('Host user id').fill(HOST);
  await page.getByRole('button', { name: 'Preview the change' }).click();
  await expect(page.getByRole('heading', { name: `The change: host ${HOST}: 1 day` })).toBeVisible();
  await expect(page.getByRole('link', { name: first })).toBeVisible();
  await expect(page.getByRole('link', { name: second })).toBeVisible();
  if (js) {
    const found = await new AxeBuilder({ page }).analyze();
    expect(found.violations.map((v) => v.id), 'axe on the preview').toEqual([]);
  }
  await page.getByLabel('Reason or policy reference').fill('Test recordings: one day');
  await page.getByRole('button', { name: 'Save the rule' }).click();
  await expect(page.getByText('Retention rule saved.')).toBeVisible();
  const dueNow = page.locator('section', { has: page.getByRole('heading', { name: /^Due now/ }) });
  await expect(dueNow.getByRole('row', { name: new RegExp(first) })).toBeVisible();
  await expect(dueNow.getByRole('row', { name: new RegExp(second) })).toBeVisible();

  // An operator's extension: 30 days.
  await dueNow.getByRole('row', { name: new RegExp(first) }).getByRole('link', { name: 'Extend or keep' }).click();
  await expect(page.getByText("Its host's rule (host 987654321): kept 1 day.")).toBeVisible();
  await page.getByLabel('Reason or ticket reference').fill('Customer asked for a month');
  await page.getByRole('button', { name: 'Extend' }).click();
  await expect(page.getByText(`Meeting ${first} is kept longer.`)).toBeVisible();
  await expect(dueNow.getByRole('row', { name: new RegExp(first) })).toHaveCount(0);

  // An admin's exemption.
  await dueNow.getByRole('row', { name: new RegExp(second) }).getByRole('link', { name: 'Extend or keep' }).click();
  await page.getByLabel('Why it is kept').fill('Training material');
  await page.getByRole('button', { name: 'Keep (exempt)' }).click();
  await expect(page.getByText(`Meeting ${second} is exempt from retention`)).toBeVisible();
  await expect(dueNow.getByRole('row', { name: new RegExp(second) })).toHaveCount(0);
  const kept = page.locator('section', { has: page.getByRole('heading', { name: /^Kept longer or exempt/ }) });
  await expect(kept.getByRole('row', { name: new RegExp(second) })).toContainText('never (exempt)');

  // The report and its chart.
  await page.getByRole('link', { name: 'Report per host' }).click();
  await expect(page.getByRole('img', { name: 'Recording bytes by age' })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(`^${HOST} `) })).toBeVisible();
});
