import { test, expect } from './fixtures';
import { open, seedMeeting } from './helpers';

// nginx (gateway/nginx.conf) plays the company's SSO gateway in front of a second app instance
// that trusts identity headers only from nginx's address and has local sign-in turned off.
const GATEWAY = 'http://127.0.0.1:3459';
const GATEWAY_NO_ROLE = 'http://127.0.0.1:3460';
const APP_DIRECT = 'http://127.0.0.1:3458';

test('through the gateway staff land signed in, with the role their groups give, and changes carry their name', async ({ page, request }, info) => {
  const id = await seedMeeting(request, 2);
  await open(page, `${GATEWAY}/`, info);
  const who = page.locator('.who');
  await expect(who).toContainText('sam@example.com');
  await expect(who.getByTitle('Your role')).toHaveText('admin');
  await expect(who).toContainText('via SSO');
  // The gateway signs people out; a button here would not stick.
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);

  // A change through the gateway: the same-origin check and roles apply as for local accounts.
  await open(page, `${GATEWAY}/meetings/${id}/recordings`, info);
  await page.getByRole('link', { name: 'Delete all recordings' }).click();
  await page.getByLabel('Reason or ticket reference').fill('SSO-1 through the gateway');
  await page.getByRole('button', { name: 'Delete 2 recordings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted 2 recordings.' })).toBeVisible();
  const row = page.locator('section.history').getByRole('row').filter({ hasText: 'SSO-1 through the gateway' });
  await expect(row).toContainText('sam@example.com (admin, sso)');
  await expect(row).toContainText('succeeded');
});

test('someone whose groups grant no role is told so, by name', async ({ page }) => {
  const res = await page.goto(`${GATEWAY_NO_ROLE}/`);
  expect(res?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'No access to Meeting Admin' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('You are signed in as ivan@example.com, but none of your groups grants a Meeting Admin role.');
});

test('an identity header sent straight to the app, past the gateway, is ignored', async ({ page, request }) => {
  const forged = { 'X-Forwarded-Email': 'sam@example.com', 'X-Forwarded-Groups': 'meeting-admins' };
  const res = await request.get(`${APP_DIRECT}/audit`, { headers: forged, maxRedirects: 0 });
  expect(res.status()).toBe(303);
  expect(res.headers()['location']).toBe('/sign-in?next=%2Faudit');
  const api = await request.post(`${APP_DIRECT}/api/meeting_history`, { headers: { ...forged, Origin: GATEWAY }, form: { meeting_id: '5f7b1a2c3d4e5f6a7b8c9d0e' } });
  expect(api.status()).toBe(401);

  await page.setExtraHTTPHeaders(forged);
  await page.goto(`${APP_DIRECT}/`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
  await expect(page.getByText('Local sign-in is turned off here.')).toBeVisible();
  await expect(page.getByLabel('Password')).toHaveCount(0);
});
