import { test, expect } from './fixtures';
import { open, isJs, seedMeeting, setFaults, clearFaults, MOCK, signIn } from './helpers';

test.beforeEach(async ({ page }) => { await signIn(page, 'admin'); });

test.afterEach(async ({ request }) => clearFaults(request));

async function recordingCount(request: import('@playwright/test').APIRequestContext, id: string) {
  const res = await request.get(`${MOCK}/admin/meetings/recordings/${id}`, { headers: { 'CB-Administration-API-Key': 'e2e-sentinel-key-7f3a9c' } });
  return (await res.json()).length as number;
}

test('find a meeting and see every column of its recordings', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 3);
  await open(page, '/', info);
  const box = page.getByRole('main').getByLabel('Find recordings by meeting id');
  await box.fill(id);
  await box.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/meetings/${id}/recordings$`));
  const table = page.getByRole('table', { name: 'Recordings of this meeting' });
  await expect(table).toBeVisible();
  for (const name of ['Recording', 'Created', 'Duration', 'Size', 'Participants', 'Actions']) {
    await expect(table.getByRole('columnheader', { name: new RegExp(`^${name}`) })).toBeVisible();
  }
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(page.getByText(/^3 recordings, total duration \d+:\d\d:\d\d, total size/)).toBeVisible();
  // Files are reached through our own audited address, never a presigned link in the page.
  await expect(table.getByRole('link', { name: 'Download' }).first()).toHaveAttribute('href', new RegExp(`^/meetings/${id}/recordings/[0-9a-f]{24}/download$`));
  const size = table.locator('tbody tr').first().locator('td').nth(3);
  await expect(size).toHaveAttribute('title', /raw value, read as bytes/);
});

test.describe('in the reader\'s own time zone', () => {
  // Kolkata: UTC+5:30 all year, so the expected local time follows from the UTC one alone.
  test.use({ timezoneId: 'Asia/Kolkata' });

  test('times are in one format, in the reader\'s zone once the browser has said it (in UTC without JavaScript), to the second in UTC on hover', async ({ page, request }, info) => {
    const id = await seedMeeting(request, 2);
    await open(page, `/meetings/${id}/recordings`, info);
    const times = page.locator('tbody tr td:nth-child(2) time');
    await expect(times).toHaveCount(2);
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const two = (n: number) => String(n).padStart(2, '0');
    for (const time of await times.all()) {
      expect(await time.getAttribute('title')).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d UTC$/);
      const at = new Date(Date.parse((await time.getAttribute('datetime'))!) + (isJs(info) ? 330 : 0) * 60_000);
      const shown = `${at.getUTCDate()} ${months[at.getUTCMonth()]} ${at.getUTCFullYear()}, ${two(at.getUTCHours())}:${two(at.getUTCMinutes())}`;
      await expect(time).toHaveText(`${shown} ${isJs(info) ? 'IST' : 'UTC'}`);
    }
  });
});

test('sorting by size works from the column header', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 4);
  await open(page, `/meetings/${id}/recordings`, info);
  await page.getByRole('link', { name: 'Size' }).click();
  await expect(page).toHaveURL(/sort=size&dir=desc/);
  const header = page.getByRole('columnheader', { name: /Size/ });
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  const raw = await page.locator('tbody tr td:nth-child(4)').evaluateAll((tds) => tds.map((td) => parseInt(td.getAttribute('title') ?? '0', 10)));
  expect(raw).toEqual([...raw].sort((a, b) => b - a));
});

test('a long list comes a page at a time, in the order chosen', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 63);
  await open(page, `/meetings/${id}/recordings`, info);
  await expect(page.getByText(/^63 recordings, total duration/)).toBeVisible();
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(50);
  await page.getByRole('link', { name: 'Size' }).click();
  await expect(page).toHaveURL(/sort=size&dir=desc$/);
  const sizes = () => page.locator('tbody tr td:nth-child(4)').evaluateAll((tds) => tds.map((td) => parseInt(td.getAttribute('title') ?? '0', 10)));
  const first = await sizes();
  const pager = page.getByRole('navigation', { name: 'Pages of recordings' });
  await expect(pager).toContainText('Page 1 of 2 · Showing 1–50 of 63');
  await pager.getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(/sort=size&dir=desc&page=2$/);
  await expect(pager).toContainText('Page 2 of 2 · Showing 51–63 of 63');
  await expect(rows).toHaveCount(13);
  const second = await sizes();
  const all = [...first, ...second];
  expect(all).toEqual([...all].sort((a, b) => b - a));
  expect(Math.min(...first)).toBeGreaterThanOrEqual(Math.max(...second));
  await pager.getByRole('link', { name: '← Previous' }).click();
  await expect(rows).toHaveCount(50);
  await expect(pager).toContainText('Page 1 of 2');
  await expect(page.locator('.recordings-list')).toHaveAttribute('aria-busy', 'false');
});

test('while the next page loads, the current one stays, marked busy', async ({ page, request }, info) => {
  test.skip(!isJs(info), 'without JavaScript the browser loads a new page');
  const id = await seedMeeting(request, 55);
  await open(page, `/meetings/${id}/recordings`, info);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(50);
  // Paging is a plain link, and Playwright looks at a page only once a navigation has finished,
  // so the page itself notes what it showed when it was marked busy (sessionStorage outlives it).
  await page.evaluate(() => {
    const list = document.querySelector('.recordings-list')!;
    new MutationObserver(() => {
      sessionStorage.setItem('while-loading', JSON.stringify({
        busy: list.getAttribute('aria-busy'),
        rows: list.querySelectorAll('tbody tr').length,
        loading: document.body.innerText.includes('Loading recordings…'),
      }));
    }).observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
  });
  await setFaults(request, { latency_ms: 1500 });
  await page.getByRole('navigation', { name: 'Pages of recordings' }).getByRole('link', { name: 'Next →' }).click();
  await expect(rows).toHaveCount(5, { timeout: 10_000 });
  const noted = await page.evaluate(() => sessionStorage.getItem('while-loading'));
  expect(JSON.parse(noted ?? 'null')).toEqual({ busy: 'true', rows: 50, loading: false });
  await expect(page.locator('.recordings-list')).toHaveAttribute('aria-busy', 'false');
});

test('download a recording: the file arrives', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 1);
  await open(page, `/meetings/${id}/recordings`, info);
  const link = page.getByRole('link', { name: 'Download' });
  await expect(link).toHaveAttribute('rel', /noreferrer/);
  const downloading = page.waitForEvent('download');
  await link.click();
  const download = await downloading;
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const file = Buffer.concat(chunks);
  expect(file.length).toBeGreaterThan(10_000);
  expect(file.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
});

test('preview a recording: it plays, through the audited address', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 1);
  await open(page, `/meetings/${id}/recordings`, info);
  await page.getByText('Preview').click();
  const video = page.locator('video');
  await expect(video).toBeVisible();
  await expect(video).toHaveAttribute('src', new RegExp(`^/meetings/${id}/recordings/[0-9a-f]{24}/preview$`));
  if (isJs(info)) {
    await video.evaluate((v: HTMLVideoElement) => { v.muted = true; return v.play(); });
  } else {
    // The page runs no script; the player's own controls do (the space bar plays a focused video).
    await video.focus();
    await page.keyboard.press('Space');
  }
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0.2);
  // The meeting's history says who previewed which recording.
  await open(page, `/meetings/${id}/recordings`, info);
  await expect(page.getByRole('region', { name: 'History of this meeting' })).toContainText('Preview recording');
});

test('share a link: noted, audited, shown to the sharer with its expiry', async ({ page, request, context }, info) => {
  if (isJs(info)) await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const id = await seedMeeting(request, 2);
  await open(page, `/meetings/${id}/recordings`, info);
  await page.getByRole('link', { name: 'Share link' }).first().click();
  await expect(page).toHaveURL(new RegExp(`/meetings/${id}/recordings/[0-9a-f]{24}/share$`));
  await expect(page.getByRole('heading', { name: 'Share a recording link' })).toBeVisible();
  if (isJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Note (optional)').fill('ACC-1234 for Jane at Acme');
  await page.getByRole('button', { name: 'Share link' }).click();
  await expect(page).toHaveURL(/\/share\?shared=\d+$/);
  await expect(page.getByRole('heading', { name: 'Link shared' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText(/expires in 6 days/);
  await expect(page.getByText('Note: ACC-1234 for Jane at Acme')).toBeVisible();
  const link = await page.getByLabel('Download link').inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3457\/files\/.+X-Amz-Signature=/);
  if (isJs(info)) {
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  } else {
    await expect(page.getByRole('button', { name: 'Copy link' })).toBeHidden();
  }
  // The link works for whoever gets it, without signing in.
  const file = await request.get(link);
  expect(file.status()).toBe(200);
  await open(page, `/audit?action=share_recording_link&meeting_id=${id}`, info);
  const row = page.getByRole('table').locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('ACC-1234 for Jane at Acme');
});

test('a viewer may download but is not offered sharing', async ({ page, request }, info) => {
  await signIn(page, 'viewer');
  const id = await seedMeeting(request, 1);
  await open(page, `/meetings/${id}/recordings`, info);
  await expect(page.getByRole('link', { name: 'Download' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Share link' })).toHaveCount(0);
});

test('a meeting looked up is on the home page, one click away', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 1);
  await open(page, `/meetings/${id}/recordings`, info);
  await open(page, '/', info);
  const opened = page.getByRole('region', { name: 'Opened recently' });
  await opened.getByRole('link', { name: id }).click();
  await expect(page).toHaveURL(new RegExp(`/meetings/${id}/recordings$`));
});

test('delete: cancel keeps everything, confirm with a reason deletes', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 3);
  await open(page, `/meetings/${id}/recordings`, info);
  const opener = page.getByRole('link', { name: 'Delete all recordings' });
  await opener.click();
  if (isJs(info)) {
    const dialog = page.getByRole('dialog', { name: 'Delete all 3 recordings of this meeting?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText('This cannot be undone.')).toBeVisible();
    const list = page.locator('.recordings-list');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();
    // Closing the dialog loads nothing, so the list is not left marked as loading.
    await expect(list).toHaveAttribute('aria-busy', 'false');
    await opener.click();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(list).toHaveAttribute('aria-busy', 'false');
    await opener.click();
  } else {
    await expect(page).toHaveURL(new RegExp(`/meetings/${id}/recordings/delete$`));
    await expect(page.getByRole('heading', { name: 'Delete all 3 recordings of this meeting?' })).toBeVisible();
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect(page).toHaveURL(new RegExp(`/meetings/${id}/recordings$`));
    await page.getByRole('link', { name: 'Delete all recordings' }).click();
  }
  expect(await recordingCount(request, id)).toBe(3);
  // Enter in the reason field deletes, with JavaScript (in the dialog) and without (on the page).
  await page.getByLabel('Reason or ticket reference').fill('TICKET-4711 customer asked');
  await page.getByLabel('Reason or ticket reference').press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Deleted 3 recordings.' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No recordings for this meeting' })).toBeVisible();
  expect(await recordingCount(request, id)).toBe(0);
});

test('a reason is required before anything is deleted', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 2);
  await open(page, `/meetings/${id}/recordings/delete`, info);
  const reason = page.getByLabel('Reason or ticket reference');
  await expect(reason).toHaveAttribute('required', '');
  // Spaces pass the browser's check but not ours.
  await reason.fill('   ');
  await page.getByRole('button', { name: 'Delete 2 recordings' }).click();
  await expect(page.getByText('Give a reason or ticket reference')).toBeVisible();
  expect(await recordingCount(request, id)).toBe(2);
});

test('an invalid meeting id gets a clear message at the field', async ({ page }, info) => {
  await open(page, '/', info);
  const box = page.getByRole('main').getByLabel('Find recordings by meeting id');
  await box.fill('12345');
  await box.press('Enter');
  await expect(page.getByText('A meeting id has 24 characters; this one has 5.')).toBeVisible();
  await expect(page.getByRole('main').getByLabel('Find recordings by meeting id')).toHaveValue('12345');
});

test('a 503 from the vendor is shown clearly and the page stays usable', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 2);
  await setFaults(request, { status: 503 });
  await open(page, `/meetings/${id}/recordings`, info);
  await expect(page.getByRole('alert')).toContainText('ConnectyCube is unavailable right now');
  await clearFaults(request);
  const box = page.getByRole('banner').getByRole('textbox', { name: 'Go to' });
  await box.fill(id);
  await box.press('Enter');
  await expect(page.locator('tbody tr')).toHaveCount(2);
});

test('a legal hold stops deletion until an admin lifts it', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 2);
  await open(page, `/meetings/${id}/recordings`, info);
  const card = page.getByRole('region', { name: 'Legal hold' });
  // Folded until wanted: placing a hold is not the page's main action.
  await card.getByText('Put this meeting on legal hold…').click();
  await card.getByLabel('Reason for the hold').fill('Litigation LIT-7');
  // A protective step: not red like Delete.
  await expect(card.getByRole('button', { name: 'Put on legal hold' })).not.toHaveClass(/danger/);
  await card.getByRole('button', { name: 'Put on legal hold' }).click();
  await expect(page).toHaveURL(/\?held=1$/);
  // The banner says it once; the history does not repeat the meeting on every row.
  await expect(page.getByText('The meeting is on legal hold.')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'History of this meeting' }).getByRole('columnheader', { name: 'Meeting' })).toHaveCount(0);
  await expect(page.getByRole('note').filter({ hasText: 'On legal hold' })).toContainText('placed by ada');
  await expect(page.getByRole('link', { name: 'Delete all recordings' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'History of this meeting' })).toContainText('Put on legal hold');
  const lift = page.getByRole('region', { name: 'Lift the legal hold' });
  await lift.getByLabel('Why the hold ends').fill('Case closed');
  await lift.getByRole('button', { name: 'Lift the hold' }).click();
  await expect(page).toHaveURL(/\?released=1$/);
  await expect(page.getByRole('note').filter({ hasText: 'On legal hold' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'History of this meeting' })).toContainText('Lift legal hold');
  await expect(page.getByRole('link', { name: 'Delete all recordings' })).toBeVisible();
  expect(await recordingCount(request, id)).toBe(2);
});

test('a download arrives named for its meeting and time, not the storage\'s file id', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 1);
  await open(page, `/meetings/${id}/recordings`, info);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download' }).first().click(),
  ]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^meeting-${id}-\\d{8}-\\d{6}\\.webm$`));
  expect(download.url()).not.toContain('X-Amz-');
});
