import AxeBuilder from '@axe-core/playwright';
import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { open } from './helpers';

// A Meeting Admin instance that signs in with two OpenID Connect providers run by the npm package
// oidc-provider (oidc/provider.mjs): "Acme SSO" (groups from userinfo) and "Partner ID" (groups in
// the ID token). Local sign-in is off but for the break-glass account root-admin.
const APP = 'http://127.0.0.1:3467';

test.beforeEach(async ({ page }) => {
  // The provider's development pages import a web font; nothing leaves this machine.
  await page.route(/fonts\.googleapis\.com/, (route) => route.abort());
});

/** The provider's development login (any password), and its consent page the first time. */
async function atProvider(page: Page, login: string) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any-password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  const consent = page.getByRole('button', { name: 'Continue' });
  await page.waitForURL((url) => url.origin === APP || /\/interaction\//.test(url.pathname));
  if (new URL(page.url()).origin !== APP) await consent.click();
  await page.waitForURL((url) => url.origin === APP);
}

test('sign in with a provider: the role comes from its groups, and signing out ends the session there too', async ({ page }, info) => {
  await open(page, `${APP}/sign-in?next=/audit`, info);
  await expect(page.getByRole('link', { name: 'Sign in with Acme SSO' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in with Partner ID' })).toBeVisible();
  // Local sign-in is off: only the break-glass form, folded away.
  await expect(page.getByText('Emergency sign-in with a local account')).toBeVisible();
  await expect(page.getByLabel('Username')).toBeHidden();

  await page.getByRole('link', { name: 'Sign in with Acme SSO' }).click();
  await atProvider(page, 'ada');
  await expect(page).toHaveURL(`${APP}/audit`);
  const who = page.locator('.who');
  await expect(who).toContainText('ada@acme.example');
  await expect(who.getByTitle('Your role')).toHaveText('admin');
  // The sign-in is in the audit log with the provider and the subject.
  await expect(page.getByRole('row').filter({ hasText: 'through acme, subject ada' }).first()).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  // At the provider: its own confirmation, then back to our sign-in page.
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await expect(page).toHaveURL(`${APP}/sign-in?signed_out=1`);
  await expect(page.getByText('You have signed out.')).toBeVisible();
  // Signed out at the provider too: it asks for the login again.
  await page.getByRole('link', { name: 'Sign in with Acme SSO' }).click();
  await expect(page.locator('input[name="login"]')).toBeVisible();
});

test('a second provider signs in its own people; a group with no role is told so by name', async ({ page }, info) => {
  await open(page, `${APP}/sign-in`, info);
  await page.getByRole('link', { name: 'Sign in with Partner ID' }).click();
  await atProvider(page, 'otto');
  const who = page.locator('.who');
  await expect(who).toContainText('otto@partner.example');
  await expect(who.getByTitle('Your role')).toHaveText('operator');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await expect(page).toHaveURL(`${APP}/sign-in?signed_out=1`);

  await page.getByRole('link', { name: 'Sign in with Partner ID' }).click();
  await atProvider(page, 'eve');
  await expect(page).toHaveURL(`${APP}/sign-in`);
  await expect(page.getByRole('alert')).toContainText('You are signed in as eve@partner.example at Partner ID, but none of your groups may use Meeting Admin.');
  // The page with its buttons, the notice and the folded form passes axe (which runs as a script).
  if (info.project.use.javaScriptEnabled) {
    expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id), 'axe on the sign-in page').toEqual([]);
  }
  // Said once: a reload does not repeat it, and no error is in the address.
  await page.reload();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the break-glass account still signs in locally when local sign-in is off', async ({ page }, info) => {
  await open(page, `${APP}/sign-in`, info);
  await page.getByText('Emergency sign-in with a local account').click();
  await page.getByLabel('Username').fill('root-admin');
  await page.getByLabel('Password').fill('e2e-break-glass-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('.who')).toContainText('root-admin');
});
