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

test('assets have content-hashed names and are cached for good; pages are not', async ({ page, request }, info) => {
  test.skip(!isJs(info), 'the same server answers; one run is enough');
  // The form page has islands, so it loads all three: the stylesheet, the JS and the wasm.
  const res = await page.goto('/meetings/new');
  expect(res!.headers()['cache-control']).toBe('private, no-cache');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const assets = await page.evaluate(() =>
    [...new Set(performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/pkg/')))],
  );
  expect(assets.map((a) => a.split('.').pop()).sort()).toEqual(['css', 'js', 'wasm']);
  for (const href of assets) {
    // `meeting-admin.<hash>.<ext>`: a new build gets new names, so a cached copy is never stale.
    expect(href).toMatch(/^\/pkg\/meeting-admin\.[A-Za-z0-9_-]{16,}\.(js|wasm|css)$/);
    const asset = await request.get(href);
    expect(asset.status()).toBe(200);
    expect(asset.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  }
  // A name this build does not have is not promised to stay.
  const old = await request.get('/pkg/meeting-admin.AAAAAAAAAAAAAAAAAAAAAA.wasm');
  expect(old.status()).toBe(404);
  expect(old.headers()['cache-control']).not.toContain('immutable');
  for (const file of ['/favicon.svg', '/robots.txt']) {
    const r = await request.get(file);
    expect(r.status()).toBe(200);
    expect(r.headers()['cache-control']).toBe('public, max-age=86400');
  }
  expect(await (await request.get('/robots.txt')).text()).toContain('Disallow: /');
  // A page without islands loads no wasm at all.
  await page.goto('/sign-in');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  expect(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm')))).toBe(false);
});
