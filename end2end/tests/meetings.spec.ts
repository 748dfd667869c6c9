import { type Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { open, isJs, signIn, setFaults, clearFaults } from './helpers';

test.beforeEach(async ({ page }) => { await signIn(page, 'operator'); });
test.afterEach(async ({ request }) => clearFaults(request));

async function fillGood(page: Page, name: string) {
  await page.getByLabel('Host user id').fill('32242');
  await page.getByLabel('Meeting name').fill(name);
  await page.getByLabel('Time zone').fill('Europe/Riga');
  await page.getByLabel('Starts').fill('2026-07-15T10:00');
  await page.getByLabel('Ends').fill('2026-07-15T11:00');
  await page.getByLabel('Attendee 1 user id').fill('245');
  await page.getByLabel('Attendee 1 email').fill('email1@domen.com');
  // With JavaScript the form starts with one empty row and adds rows; without, it offers three.
  if ((await page.getByLabel('Attendee 2 email').count()) === 0) await page.getByRole('button', { name: 'Add attendee' }).click();
  await page.getByLabel('Attendee 2 email').fill('email2@domen.com');
  for (const flag of ['Record', 'Chat', 'Public', 'Scheduled', 'Notify attendees']) {
    await page.getByLabel(flag, { exact: true }).check();
  }
  await page.getByLabel('Notify before the start').fill('2');
  await page.getByLabel('Unit').selectOption('hours');
}

test('create a meeting with two attendees and every flag, then find it on the home page', async ({ page }, info) => {
  await open(page, '/', info);
  await page.getByRole('link', { name: 'New meeting' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create a meeting');
  if (isJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const name = `E2E sync ${info.project.name} ${Date.now()}`;
  await fillGood(page, name);
  if (isJs(info)) {
    // The live preview shows the times in UTC (Riga is UTC+3 in July).
    await expect(page.locator('.times-preview')).toContainText('15 Jul 2026, 07:00 UTC');
  }
  await page.getByRole('button', { name: 'Create meeting' }).click();
  await expect(page).toHaveURL(/\/meetings\/[0-9a-f]{24}\?created=1$/);
  await expect(page.getByRole('status')).toHaveText('Meeting created.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  const details = page.locator('.details');
  await expect(details).toContainText('User 32242');
  await expect(details).toContainText('15 Jul 2026, 10:00 EEST (15 Jul 2026, 07:00 UTC)');
  await expect(details).toContainText('User 245 <email1@domen.com>');
  await expect(details).toContainText('email2@domen.com');
  await expect(details).toContainText('record, chat, public, scheduled, notify');
  await expect(details).toContainText('2 hours before the start');
  const id = (await page.locator('.details .meeting-id').textContent())!.trim();
  await expect(page.getByRole('link', { name: 'Recordings of this meeting' })).toHaveAttribute('href', `/meetings/${id}/recordings`);
  await open(page, '/', info);
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText(id);
  await row.getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/meetings/${id}$`));
});

test('each error shows at its field and what was typed is kept', async ({ page }, info) => {
  await open(page, '/meetings/new', info);
  await fillGood(page, 'will be blanked');
  await page.getByLabel('Meeting name').fill('   ');
  await page.getByLabel('Host user id').fill('32242x');
  await page.getByLabel('Ends').fill('2026-07-15T09:00');
  await page.getByLabel('Attendee 2 email').fill('not-an-email');
  await page.getByLabel('Notify before the start').fill('30');
  await page.getByRole('button', { name: 'Create meeting' }).click();
  await expect(page.locator('#m-host_id-error')).toContainText('whole number above 0');
  await expect(page.locator('#m-name-error')).toHaveText('Enter a meeting name.');
  await expect(page.locator('#m-end-error')).toHaveText('The end must be after the start.');
  await expect(page.locator('#m-attendees-1-email-error')).toContainText("'not-an-email' is not an email address.");
  await expect(page.locator('#m-notify_value-error')).toHaveText('For hours the value must be between 1 and 24.');
  await expect(page.getByLabel('Host user id')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Host user id')).toHaveValue('32242x');
  await expect(page.getByLabel('Attendee 1 email')).toHaveValue('email1@domen.com');
  await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Riga');
  await expect(page.getByLabel('Record', { exact: true })).toBeChecked();
  // Focus moves to the first field in error.
  await expect(page.getByLabel('Host user id')).toBeFocused();
  // The attendee row keeps its grid: the error under the e-mail leaves the id beside it.
  const idBox = (await page.getByLabel('Attendee 2 user id').boundingBox())!;
  const emailBox = (await page.getByLabel('Attendee 2 email').boundingBox())!;
  expect(Math.abs(idBox.y - emailBox.y), 'on one line').toBeLessThan(2);
  expect(emailBox.x - (idBox.x + idBox.width), 'side by side').toBeLessThan(40);
  // Required fields say so.
  for (const label of ['Host user id', 'Meeting name', 'Starts', 'Ends', 'Time zone']) {
    await expect(page.getByLabel(label, { exact: false }).first()).toHaveAttribute('required', '');
  }
  // Nothing typed (the attendees' e-mails) and no error went into the address.
  expect(page.url()).not.toContain('__err');
  expect(page.url()).not.toContain('email1');
});

test('the vendor refusing a field or being down is shown clearly, input kept', async ({ page, request }, info) => {
  await open(page, '/meetings/new', info);
  await fillGood(page, 'Vendor says no');
  await setFaults(request, { status: 422, count: 1, method: 'POST' });
  await page.getByRole('button', { name: 'Create meeting' }).click();
  await expect(page.locator('#m-name-error')).toContainText("can't be blank");
  await expect(page.getByLabel('Meeting name')).toHaveValue('Vendor says no');
  await setFaults(request, { status: 503, count: 1, method: 'POST' });
  await page.getByRole('button', { name: 'Create meeting' }).click();
  await expect(page.getByRole('alert')).toContainText('ConnectyCube is unavailable right now');
  await expect(page.getByLabel('Meeting name')).toHaveValue('Vendor says no');
  await expect(page.getByLabel('Attendee 2 email')).toHaveValue('email2@domen.com');
});

test('daylight saving: a skipped hour is refused, a repeated one is the first (the browser asks its own Intl)', async ({ page }, info) => {
  await open(page, '/meetings/new', info);
  await fillGood(page, 'Clocks change');
  // Riga: 03:00 becomes 04:00 on 2026-03-29; 04:00 becomes 03:00 again on 2026-10-25.
  if (isJs(info)) {
    await page.getByLabel('Starts').fill('2026-10-25T03:30');
    await page.getByLabel('Ends').fill('2026-10-25T04:30');
    // 03:30 happens twice: the first is still summer time (UTC+3); 04:30 is winter time (UTC+2).
    await expect(page.locator('.times-preview')).toContainText('25 Oct 2026, 00:30 UTC → 25 Oct 2026, 02:30 UTC');
  }
  await page.getByLabel('Starts').fill('2026-03-29T03:30');
  await page.getByLabel('Ends').fill('2026-03-29T05:00');
  await page.getByRole('button', { name: 'Create meeting' }).click();
  await expect(page.locator('#m-start-error')).toHaveText(
    '29 Mar 2026, 03:30 does not exist in Europe/Riga: the clocks skip that hour for daylight saving. Choose another time.',
  );
  await expect(page.getByLabel('Starts')).toBeFocused();
});

test('pasting a list of emails adds a row for each', async ({ page }, info) => {
  test.skip(!isJs(info), 'pasting into rows needs JavaScript; without it each row is typed');
  await open(page, '/meetings/new', info);
  // One empty row to start with: more are added as needed.
  await expect(page.locator('.attendee-row')).toHaveCount(1);
  const first = page.getByLabel('Attendee 1 email');
  await first.focus();
  await page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement;
    const data = new DataTransfer();
    data.setData('text', 'a@x.com, b@y.com\nc@z.com');
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expect(page.getByLabel('Attendee 1 email')).toHaveValue('a@x.com');
  await expect(page.getByLabel('Attendee 2 email')).toHaveValue('b@y.com');
  await expect(page.getByLabel('Attendee 3 email')).toHaveValue('c@z.com');
  await page.getByRole('button', { name: 'Remove attendee 2' }).click();
  await expect(page.getByLabel('Attendee 2 email')).toHaveValue('c@z.com');
});

test('with JavaScript errors follow what is typed once a send was tried, and options appear when ticked', async ({ page }, info) => {
  test.skip(!isJs(info), 'without JavaScript the server checks the form when it is sent');
  await open(page, '/meetings/new', info);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  // "Notify before the start" only while "Notify attendees" is ticked.
  await expect(page.getByLabel('Notify before the start')).toBeHidden();
  await page.getByLabel('Notify attendees', { exact: true }).check();
  await expect(page.getByLabel('Notify before the start')).toBeVisible();
  await page.getByLabel('Unit').selectOption('days');
  await expect(page.locator('#m-notify_value-hint')).toContainText('1 to 30 days.');
  // The time preview is a live region: typing elsewhere leaves it alone, so it is not read out again.
  await page.evaluate(() => {
    const w = window as unknown as { previewChanges: number };
    w.previewChanges = 0;
    new MutationObserver((m) => { w.previewChanges += m.length; })
      .observe(document.getElementById('m-preview')!, { childList: true, subtree: true, characterData: true });
  });
  await page.getByLabel('Meeting name').fill('Quiet preview');
  expect(await page.evaluate(() => (window as unknown as { previewChanges: number }).previewChanges)).toBe(0);
  await page.getByLabel('Starts').fill('2026-07-15T10:00');
  await expect.poll(() => page.evaluate(() => (window as unknown as { previewChanges: number }).previewChanges)).toBeGreaterThan(0);
  await page.getByLabel('Meeting name').fill('');
  // Nothing is said before a send is tried; after it, each fix clears its own line.
  await page.getByLabel('Host user id').fill('abc');
  await expect(page.locator('#m-host_id-error')).toBeEmpty();
  await page.getByRole('button', { name: 'Create meeting' }).click();
  await expect(page.locator('#m-host_id-error')).toContainText('whole number above 0');
  await expect(page.locator('#m-name-error')).toHaveText('Enter a meeting name.');
  await expect(page.getByLabel('Host user id')).toBeFocused();
  await page.getByLabel('Host user id').fill('32242');
  await expect(page.locator('#m-host_id-error')).toBeEmpty();
  await expect(page.getByLabel('Host user id')).toHaveAttribute('aria-invalid', 'false');
  await expect(page.locator('#m-name-error')).toHaveText('Enter a meeting name.');
  // Rows: added with their own numbers; the last one left is emptied, not removed.
  await page.getByRole('button', { name: 'Add attendee' }).click();
  await expect(page.getByLabel('Attendee 2 user id')).toBeFocused();
  await expect(page.getByLabel('Attendee 2 user id')).toHaveAttribute('name', 'form[attendees][1][id]');
  await page.getByLabel('Attendee 2 email').fill('not-an-email');
  await expect(page.locator('#m-attendees-1-email-error')).toContainText("'not-an-email' is not an email address.");
  await page.getByRole('button', { name: 'Remove attendee 1' }).click();
  await expect(page.getByLabel('Attendee 1 email')).toHaveValue('not-an-email');
  await expect(page.locator('#m-attendees-0-email-error')).toContainText("'not-an-email' is not an email address.");
  await page.getByRole('button', { name: 'Remove attendee 1' }).click();
  await expect(page.locator('.attendee-row')).toHaveCount(1);
  await expect(page.getByLabel('Attendee 1 email')).toHaveValue('');
  await expect(page.locator('#m-attendees-0-email-error')).toBeEmpty();
});

test('a viewer cannot open the form', async ({ page }, info) => {
  await signIn(page, 'viewer');
  await open(page, '/meetings/new', info);
  await expect(page.getByRole('alert')).toContainText('Your role (viewer) may not create meetings.');
  await expect(page.getByRole('link', { name: 'New meeting' })).toHaveCount(0);
});
