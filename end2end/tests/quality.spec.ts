import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type BrowserContext, type Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { RUN_DIR } from '../playwright.config';
import { open, isJs, seedMeeting, signIn } from './helpers';

// Every page, with JavaScript and without: zero axe-core violations. Without JavaScript the
// server's own HTML of each page also goes through the Nu HTML checker: zero errors.
const vnuJar = createRequire(__filename)('vnu-jar') as string;

type Checked = { name: string; path: string; base?: string };

/** axe has to run script. Without JavaScript the page is loaded again, by its URL and with the
 * same session, in a page whose scripts are switched off through the DevTools protocol while it
 * loads (so <noscript> and the plain forms are what gets checked), and on only for axe itself. */
async function axe(page: Page, name: string, js: boolean) {
  let target = page;
  let scratch: BrowserContext | null = null;
  if (!js) {
    scratch = await page.context().browser()!.newContext({ storageState: await page.context().storageState() });
    target = await scratch.newPage();
    const cdp = await scratch.newCDPSession(target);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    // A form re-rendered after a failed post stands at the form's address, which only a post
    // answers: that page is served again as it was received.
    if (new URL(page.url()).pathname.startsWith('/api/')) {
      const html = await page.content();
      await target.route(page.url(), (route) => route.fulfill({ body: html, contentType: 'text/html' }));
    }
    await target.goto(page.url());
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
  }
  const result = await new AxeBuilder({ page: target }).analyze().finally(() => scratch?.close());
  const found = result.violations.map((v) => `${name}: ${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(found, `axe on ${name}`).toEqual([]);
  return result.passes.length;
}

/** The server's HTML of `path`, as fetched with the page's cookies, saved for the checker. */
async function saveHtml(page: Page, c: Checked) {
  const res = await page.request.get(`${c.base ?? ''}${c.path}`, { maxRedirects: 0 });
  expect(res.headers()['content-type'], c.path).toContain('text/html');
  mkdirSync(`${RUN_DIR}/html`, { recursive: true });
  const file = `${RUN_DIR}/html/${c.name.replace(/[^a-z0-9]+/gi, '-')}.html`;
  writeFileSync(file, await res.body());
  return file;
}

function nuChecker(files: string[]) {
  try {
    execFileSync('java', ['-jar', vnuJar, '--errors-only', '--format', 'json', ...files], { stdio: 'pipe' });
    return [];
  } catch (e) {
    const out = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
    try {
      const messages = JSON.parse(out).messages as { url: string; lastLine?: number; message: string; extract?: string }[];
      return messages.map((m) => `${m.url.split('/').pop()}:${m.lastLine}: ${m.message} [${m.extract ?? ''}]`);
    } catch {
      return [out];
    }
  }
}

/** Every moment on the page in the one format ("7 Dec 2026, 14:20 EET"), in the reader's zone
 * (Riga here; UTC until the browser has said it, so always without JavaScript), UTC to the
 * second on hover, and no other spelling of a date anywhere in the page's text. */
async function oneTimeFormat(page: Page, name: string, js: boolean) {
  const found = await page.evaluate(() => ({
    // A meeting's own start and end are in its zone (the reader's follows in brackets).
    times: [...document.querySelectorAll('time')].map((t) => [t.textContent ?? '', t.getAttribute('title') ?? '', t.getAttribute('datetime') ?? '', t.closest('.meeting-summary') ? 'own' : '']),
    others: document.body.innerText.match(/\b\d{4}-\d\d-\d\d\b|\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g) ?? [],
  }));
  const zone = js ? '(EET|EEST)' : 'UTC';
  for (const [text, title, datetime, own] of found.times) {
    const shown = new RegExp(`^\\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4}, \\d\\d:\\d\\d ${own ? '[A-Za-z0-9+-]+' : zone}$`);
    expect(text.trim(), `${name}: a time on the page`).toMatch(shown);
    expect(title, `${name}: its UTC on hover`).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d UTC$/);
    expect(datetime, `${name}: its machine-readable form`).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  expect(found.others, `${name}: no other date format`).toEqual([]);
  return found.times.length;
}

test.use({ timezoneId: 'Europe/Riga' });

test('every page passes axe, and the server HTML the Nu checker', async ({ page, request }, info) => {
  test.setTimeout(120_000);
  const withRecordings = await seedMeeting(request, 3);
  const empty = await seedMeeting(request, 0);
  const pages: Checked[] = [
    { name: 'home', path: '/' },
    { name: 'find recordings', path: '/recordings' },
    { name: 'find recordings, bad id', path: '/recordings?meeting_id=not-an-id' },
    { name: 'recordings', path: `/meetings/${withRecordings}/recordings` },
    { name: 'recordings, sorted', path: `/meetings/${withRecordings}/recordings?sort=size&dir=desc` },
    { name: 'recordings, none', path: `/meetings/${empty}/recordings` },
    { name: 'confirm delete', path: `/meetings/${withRecordings}/recordings/delete` },
    { name: 'meeting', path: `/meetings/${withRecordings}` },
    { name: 'new meeting', path: '/meetings/new' },
    { name: 'audit log', path: '/audit' },
    { name: 'audit log, filtered', path: `/audit?filter[meeting_id]=${withRecordings}` },
    { name: 'retention', path: '/retention' },
    { name: 'retention preview', path: '/retention/preview?kind=general&default_days=30&warn_days=7&calls_per_hour=600' },
    { name: 'retention preview, bad host rule', path: '/retention/preview?kind=host&host_id=x&host_rule=days&host_days=0' },
    // Opened above (the recordings page), so known to retention.
    { name: 'retention of a meeting', path: `/retention/meetings/${withRecordings}` },
    { name: 'retention report', path: '/retention/report' },
    { name: 'erasure cases', path: '/cases' },
    { name: 'about', path: '/about' },
    { name: 'not found', path: '/no-such-page' },
  ];
  const htmlFiles: string[] = [];
  let rules = 0;
  let times = 0;

  // Signed out first: the sign-in page, plain and after a failed attempt.
  await open(page, '/sign-in', info);
  rules += await axe(page, 'sign in', isJs(info));
  await page.getByLabel('Username').fill('ada');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Wrong username or password.')).toBeVisible();
  rules += await axe(page, 'sign in, failed', isJs(info));
  if (!isJs(info)) htmlFiles.push(await saveHtml(page, { name: 'sign in', path: '/sign-in' }));

  await signIn(page, 'admin');
  for (const p of pages) {
    await open(page, p.path, info);
    rules += await axe(page, p.name, isJs(info));
    times += await oneTimeFormat(page, p.name, isJs(info));
    if (!isJs(info)) htmlFiles.push(await saveHtml(page, p));
  }

  // The Deletions page and one request, made here (this server deletes at once).
  const deleted = await seedMeeting(request, 1);
  const del = await page.request.post('/api/recordings/delete', {
    form: { meeting_id: deleted, expected_count: '1', reason: 'quality check' },
    headers: { origin: 'http://127.0.0.1:3456' },
  });
  expect(del.status()).toBe(200);
  const made = await (await page.request.get(`/api/deletions/list?meeting=${deleted}`)).json();
  for (const p of [
    { name: 'deletions', path: '/deletions' },
    { name: 'deletions, bad filter', path: '/deletions?state=done&meeting=not-an-id' },
    { name: 'deletion request', path: `/deletions/${made.rows[0].request.id}` },
  ]) {
    await open(page, p.path, info);
    rules += await axe(page, p.name, isJs(info));
    times += await oneTimeFormat(page, p.name, isJs(info));
    if (!isJs(info)) htmlFiles.push(await saveHtml(page, p));
  }

  // Bulk work: the list form and a checked batch with a line that was not taken.
  const bulk = await page.request.post('/api/bulk/create', {
    form: { ids: `${withRecordings}\nnot-an-id\n${withRecordings}\n` },
    headers: { origin: 'http://127.0.0.1:3456' },
  });
  expect(bulk.status()).toBe(200);
  const batchId = (await bulk.json()).batch_id;
  for (const p of [
    { name: 'bulk', path: '/bulk' },
    { name: 'bulk batch', path: `/bulk/${batchId}` },
  ]) {
    await open(page, p.path, info);
    rules += await axe(page, p.name, isJs(info));
    times += await oneTimeFormat(page, p.name, isJs(info));
    if (!isJs(info)) htmlFiles.push(await saveHtml(page, p));
  }

  // States reached by doing something: a rejected form, and the delete dialog.
  await open(page, '/meetings/new', info);
  await page.getByRole('button', { name: 'Create meeting' }).click();
  await expect(page.getByText('Enter a meeting name.')).toBeVisible();
  rules += await axe(page, 'new meeting, with errors', isJs(info));
  // Sharing a link: the form, then the link shown; and a download that finds no recording.
  await open(page, `/meetings/${withRecordings}/recordings`, info);
  const share = (await page.getByRole('link', { name: 'Share link' }).first().getAttribute('href'))!;
  await open(page, share, info);
  rules += await axe(page, 'share a link', isJs(info));
  if (!isJs(info)) htmlFiles.push(await saveHtml(page, { name: 'share a link', path: share }));
  await page.getByRole('button', { name: 'Share link' }).click();
  await expect(page.getByRole('heading', { name: 'Link shared' })).toBeVisible();
  rules += await axe(page, 'link shared', isJs(info));
  times += await oneTimeFormat(page, 'link shared', isJs(info));
  if (!isJs(info)) htmlFiles.push(await saveHtml(page, { name: 'link shared', path: new URL(page.url()).pathname + new URL(page.url()).search }));
  const gone = `/meetings/${withRecordings}/recordings/000000000000000000000000/download`;
  await page.goto(gone);
  await expect(page.getByRole('heading', { name: 'Download not started' })).toBeVisible();
  rules += await axe(page, 'download, recording gone', isJs(info));
  if (!isJs(info)) htmlFiles.push(await saveHtml(page, { name: 'download, recording gone', path: gone }));
  if (isJs(info)) {
    await open(page, `/meetings/${withRecordings}/recordings`, info);
    await page.keyboard.press('Control+k');
    await expect(page.getByRole('dialog', { name: 'Go to' })).toBeVisible();
    rules += await axe(page, 'command palette open', true);
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'Delete all recordings' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    rules += await axe(page, 'recordings, delete dialog open', isJs(info));
  }

  // Through the SSO gateway as someone with no role.
  await page.goto('http://127.0.0.1:3460/');
  await expect(page.getByText('ivan@example.com')).toBeVisible();
  rules += await axe(page, 'no role (SSO, isJs(info))');
  if (!isJs(info)) htmlFiles.push(await saveHtml(page, { name: 'no role', path: '/', base: 'http://127.0.0.1:3460' }));

  if (!isJs(info)) {
    const errors = nuChecker(htmlFiles);
    expect(errors, 'Nu HTML checker').toEqual([]);
  }
  expect(times, 'moments were found to check').toBeGreaterThan(10);
  console.log(`quality (${info.project.name}): axe passed ${rules} rule checks; ${times} times in the one format; ${htmlFiles.length} server pages through the Nu checker`);
});

test('a first load with islands stays under 100 KiB, and no island carries props', async ({ page, request }, info) => {
  test.skip(!isJs(info), 'without JavaScript no page loads the wasm');
  const meeting = await seedMeeting(request, 3);
  await signIn(page, 'admin');
  for (const path of ['/meetings/new', '/bulk', `/meetings/${meeting}/recordings`]) {
    // A context of its own per page: nothing comes from the cache.
    const fresh = await page.context().browser()!.newContext({ storageState: await page.context().storageState() });
    const p = await fresh.newPage();
    await p.goto(path);
    await expect(p.locator('body')).toHaveAttribute('data-hydrated', 'true');
    const assets = await p.evaluate(() => performance.getEntriesByType('resource')
      .map((e) => e as PerformanceResourceTiming)
      .filter((e) => /\.(wasm|js|css)$/.test(new URL(e.name).pathname))
      .map((e) => ({ name: new URL(e.name).pathname, bytes: e.encodedBodySize })));
    const total = assets.reduce((sum, a) => sum + a.bytes, 0);
    expect(assets.some((a) => a.name.endsWith('.wasm')), `${path} loads the wasm`).toBe(true);
    // Transferred bytes (brotli as served); more than 50 KiB shows the wasm was counted.
    expect(total, `${path}: ${JSON.stringify(assets)}`).toBeGreaterThan(50 * 1024);
    expect(total, `${path}: ${JSON.stringify(assets)}`).toBeLessThan(100 * 1024);
    // Islands read what they need from the page, so the bundle needs no JSON decoder.
    expect(await p.locator('leptos-island').count(), `${path} has islands`).toBeGreaterThan(0);
    await expect(p.locator('leptos-island[data-props]')).toHaveCount(0);
    await fresh.close();
  }
});

test('with a dark-mode preference the pages are dark, and pass axe', async ({ page, request }, info) => {
  // axe reads the colours as rendered; one pass (with JavaScript) covers the stylesheet.
  test.skip(!isJs(info), 'the stylesheet is the same without JavaScript');
  test.setTimeout(90_000);
  await page.emulateMedia({ colorScheme: 'dark' });
  const withRecordings = await seedMeeting(request, 3);
  await open(page, '/sign-in', info);
  await page.getByLabel('Username').fill('ada');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Wrong username or password.')).toBeVisible();
  await axe(page, 'sign in, failed, dark', true);
  await signIn(page, 'admin');
  for (const [name, path] of [
    ['home', '/'],
    ['recordings', `/meetings/${withRecordings}/recordings`],
    ['confirm delete', `/meetings/${withRecordings}/recordings/delete`],
    ['meeting', `/meetings/${withRecordings}`],
    ['new meeting', '/meetings/new'],
    ['audit log', '/audit'],
    ['deletions', '/deletions'],
    ['bulk', '/bulk'],
    ['retention', '/retention'],
    ['erasure cases', '/cases'],
    ['about', '/about'],
  ]) {
    await open(page, path, info);
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(bg, `${name}: the dark background`).toBe('rgb(13, 17, 23)');
    await axe(page, `${name}, dark`, true);
  }
});

test('on a phone (390 px) nothing is wider than the screen and every row action is on it; screenshots of the main pages are kept at both widths', async ({ page, request }, info) => {
  test.setTimeout(90_000);
  const id = await seedMeeting(request, 3);
  await signIn(page, 'admin');
  // A deletion request, so the Deletions page has a row with its actions.
  const other = await seedMeeting(request, 1);
  await page.request.post('/api/recordings/delete', {
    form: { meeting_id: other, expected_count: '1', reason: 'phone layout check' },
    headers: { origin: 'http://127.0.0.1:3456' },
  });
  const shots = `${RUN_DIR}/screenshots`;
  mkdirSync(shots, { recursive: true });
  const main: [string, string][] = [
    ['home', '/'],
    ['recordings', `/meetings/${id}/recordings`],
    ['audit', '/audit'],
    ['deletions', '/deletions'],
    ['new-meeting', '/meetings/new'],
    ['bulk', '/bulk'],
    ['cases', '/cases'],
    ['retention', '/retention'],
    ['retention-report', '/retention/report'],
  ];
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width, height });
    for (const [name, path] of main) {
      await open(page, path, info);
      await page.screenshot({ path: `${shots}/${name}-${width}-${info.project.name}.png`, fullPage: true });
      if (width !== 390) continue;
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(wide, `${name}: nothing wider than the screen`).toBeLessThanOrEqual(390);
      // Every action in a row is within the screen's width.
      for (const action of await page.locator('td.actions a, td.actions button, td.actions summary').all()) {
        if (!(await action.isVisible())) continue;
        const box = (await action.boundingBox())!;
        expect(box.x + box.width, `${name}: ${await action.textContent()} on screen`).toBeLessThanOrEqual(390);
      }
    }
  }
  // The recordings page's actions are there to see at 390 px.
  await open(page, `/meetings/${id}/recordings`, info);
  const download = page.getByRole('link', { name: /Download/ }).first();
  await download.scrollIntoViewIfNeeded();
  await expect(download).toBeInViewport();
});
