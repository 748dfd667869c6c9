import { test, expect } from './fixtures';
import { open, isJs, signIn } from './helpers';

test.beforeEach(async ({ page }) => { await signIn(page, 'admin'); });

test('home page renders and hydrates', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await open(page, '/', info);
  await expect(page).toHaveTitle('Meeting Admin');
  await expect(page.getByRole('heading', { level: 1, name: 'Meeting Admin' })).toBeVisible();
  await expect(page.getByRole('search').first()).toBeVisible();
  if (isJs(info)) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  } else {
    await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  }
  expect(errors).toEqual([]);
});

test('an unknown page says so with a 404', async ({ page }, info) => {
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('the icon and robots.txt are served to anyone, and robots.txt keeps crawlers out', async ({ page, playwright }) => {
  await open(page, '/', test.info());
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', '/favicon.svg');
  // A crawler is never signed in.
  const anonymous = await playwright.request.newContext({ baseURL: 'http://127.0.0.1:3456' });
  const robots = await anonymous.get('/robots.txt');
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toMatch(/^User-agent: \*\nDisallow: \/$/m);
  const icon = await anonymous.get('/favicon.svg');
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  await anonymous.dispose();
});
