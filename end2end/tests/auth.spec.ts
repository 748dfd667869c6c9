import { test, expect } from './fixtures';
import { open, isJs, seedMeeting, signIn, USERS } from './helpers';

test('sign in, see your name and role, sign out', async ({ page }, info) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
  await signIn(page, 'operator');
  if (isJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const who = page.locator('.who');
  await expect(who).toContainText(USERS.operator.name);
  await expect(who.locator('.role-badge')).toHaveText('operator');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?signed_out=1/);
  await expect(page.getByRole('status')).toHaveText('You have signed out.');
  // The old session is gone: pages send us back to sign in.
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a failed sign-in shows the form again with the name typed, and nothing of it in the address', async ({ page }) => {
  await page.goto('/sign-in?next=%2Fretention');
  await page.getByLabel('Username').fill(USERS.viewer.name);
  await page.getByLabel('Password').fill('not the password');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/sign_in'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  expect((await answer).status()).toBe(422);
  await expect(page.getByText('Wrong username or password.')).toBeVisible();
  await expect(page.getByLabel('Username')).toHaveValue(USERS.viewer.name);
  await expect(page.getByLabel('Password')).toHaveValue('');
  expect(page.url()).toBe('http://127.0.0.1:3456/api/sign_in');
  // Right the second time: on to where it was going.
  await page.getByLabel('Password').fill(USERS.viewer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/retention$/);
});

test('a next that would lead to another site after sign-in lands on the home page instead', async ({ page }) => {
  // Browsers drop the tab and read what is left as //evil.example/: another origin.
  await page.goto(`/sign-in?next=${encodeURIComponent('/\t/evil.example/')}`);
  await page.getByLabel('Username').fill(USERS.viewer.name);
  await page.getByLabel('Password').fill(USERS.viewer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:3456\/\??$/);
  await expect(page.locator('.who')).toContainText(USERS.viewer.name);
});

test('a page asked for before signing in opens after it', async ({ page }) => {
  const id = await seedMeeting(page.request, 1);
  await page.goto(`/meetings/${id}/recordings`);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.getByLabel('Username').fill(USERS.viewer.name);
  await page.getByLabel('Password').fill(USERS.viewer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/meetings/${id}/recordings$`));
  await expect(page.getByRole('table')).toBeVisible();
});

test('a wrong password gives the generic message and keeps the page usable', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Username').fill(USERS.viewer.name);
  await page.getByLabel('Password').fill('definitely wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong username or password.');
  await page.getByLabel('Username').fill('no-such-user');
  await page.getByLabel('Password').fill('definitely wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong username or password.');
});

test('a viewer sees no delete button and the delete endpoint answers 403', async ({ page }, info) => {
  const id = await seedMeeting(page.request, 2);
  await signIn(page, 'viewer', `/meetings/${id}/recordings`);
  await open(page, `/meetings/${id}/recordings`, info);
  await expect(page.getByRole('table')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Delete all recordings' })).toHaveCount(0);
  const res = await page.request.post('/api/recordings/delete', {
    form: { meeting_id: id, expected_count: '2', reason: 'viewer tries' },
    headers: { origin: 'http://127.0.0.1:3456', accept: 'application/json' },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).kind).toBe('forbidden');
  // The no-JS confirmation page is not a way around it either.
  await page.goto(`/meetings/${id}/recordings/delete`);
  await page.getByLabel('Reason or ticket reference').fill('viewer tries');
  await page.getByRole('button', { name: /Delete 2 recordings/ }).click();
  await expect(page.getByRole('alert')).toContainText('Your role (viewer) may not delete recordings.');
  await open(page, `/meetings/${id}/recordings`, info);
  await expect(page.locator('.summary')).toContainText('2 recordings');
});
