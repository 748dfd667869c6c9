import { test, expect } from './fixtures';
import { open, isJs, seedMeeting, signIn } from './helpers';

test('the header\'s Go to box takes a pasted link, #request or a page\'s name, with and without JavaScript', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 2);
  await signIn(page, 'admin');
  const box = page.getByRole('banner').getByRole('textbox', { name: 'Go to' });
  await box.fill(`https://admin.example.com/meetings/${id}/recordings?page=1`);
  await box.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/meetings/${id}/recordings$`));
  await expect(page.locator('tbody tr')).toHaveCount(2);
  await page.getByRole('banner').getByRole('textbox', { name: 'Go to' }).fill('audit');
  await page.getByRole('banner').getByRole('textbox', { name: 'Go to' }).press('Enter');
  await expect(page).toHaveURL(/\/go\?q=audit$/);
  await page.getByRole('main').getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit log');
  // The search page keeps what was typed and says when nothing matches.
  await open(page, '/go?q=zzzz', info);
  await expect(page.getByRole('status')).toContainText('Nothing here matches “zzzz”.');
  await expect(page.getByRole('main').getByRole('textbox', { name: 'Go to' })).toHaveValue('zzzz');
});

test('the palette\'s script is public, checked with the server on every use, and a few KB', async ({ request }) => {
  // Anyone's browser loads it (the sign-in page has it too): no session needed, nothing in it is private.
  const res = await request.get('http://127.0.0.1:3456/palette.js', { headers: { 'accept-encoding': 'br' } });
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('javascript');
  expect(res.headers()['cache-control']).toBe('private, no-cache');
  expect((await res.body()).length).toBeLessThan(8 * 1024);
});

test.describe('with JavaScript', () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, 'the palette is plain script');

  test('Ctrl+K or / opens the palette: it suggests pages and opened meetings, goes by keyboard, and ? lists the shortcuts', async ({ page, request }, info) => {
    const id = await seedMeeting(request, 1);
    await signIn(page, 'admin');
    await open(page, `/meetings/${id}/recordings`, info);
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Go to' });
    await expect(palette).toBeVisible();
    const input = palette.getByRole('combobox');
    await expect(input).toBeFocused();
    await input.fill('audit');
    await expect(palette.getByRole('option').nth(1)).toContainText('Audit log');
    await page.keyboard.press('ArrowDown');
    await expect(palette.getByRole('option', { selected: true })).toContainText('Audit log');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/audit$/);

    // "/" opens it too; the meeting opened before is suggested by its id.
    await open(page, '/', info);
    await page.keyboard.press('/');
    await expect(palette).toBeVisible();
    await palette.getByRole('combobox').fill(id.slice(0, 10));
    await expect(palette.getByRole('option').filter({ hasText: 'opened lately' })).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(palette).toBeHidden();

    // A pasted id goes straight to its recordings (through the same search as the plain form).
    await page.keyboard.press('Control+k');
    await palette.getByRole('combobox').fill(id);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/meetings/${id}/recordings$`));

    // "?" lists the shortcuts; typing "/" or "?" into a field stays typing.
    await page.keyboard.press('?');
    const shortcuts = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(shortcuts).toContainText('Ctrl+K');
    await shortcuts.getByRole('button', { name: 'Close' }).click();
    const field = page.getByRole('banner').getByRole('textbox', { name: 'Go to' });
    await field.click();
    await field.pressSequentially('a/b?');
    await expect(field).toHaveValue('a/b?');
    await expect(palette).toBeHidden();
  });
});
