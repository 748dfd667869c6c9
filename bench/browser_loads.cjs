// What a browser downloads and how soon the page answers, measured in Debian's Chromium through
// the DevTools protocol (scripts/bench.sh; Playwright from end2end/node_modules).
//   node bench/browser_loads.cjs BASE_URL COOKIE PAGES_JSON
// PAGES_JSON: [{"name": ..., "path": ...}]. Prints one JSON object: per page the bytes fetched
// on a first visit (empty cache) and on a second, and the time until the islands run.
const { chromium } = require('../end2end/node_modules/playwright');

const [base, cookie, pagesJson] = process.argv.slice(2);
const pages = JSON.parse(pagesJson);
const ASSET = /\/pkg\/.+\.(wasm|js|css)$/;

async function visit(context, page, cdp, path) {
  const seen = new Map();
  const onResponse = (e) => seen.set(e.requestId, { url: e.response.url, cached: e.response.fromDiskCache || e.response.fromMemoryCache, bytes: 0 });
  const onCache = (e) => { const r = seen.get(e.requestId); if (r) r.cached = true; };
  const onDone = (e) => { const r = seen.get(e.requestId); if (r) r.bytes = e.encodedDataLength; };
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.requestServedFromCache', onCache);
  cdp.on('Network.loadingFinished', onDone);
  await page.goto(base + path, { waitUntil: 'load' });
  const islands = await page.locator('leptos-island').count();
  // Every page loads the bundle and marks the body once it ran (islands, or before them hydration).
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15000 });
  const awakeMs = await page.evaluate(() => window.__awake - performance.timeOrigin);
  // Let late loads finish before counting.
  await page.waitForTimeout(300);
  cdp.off('Network.responseReceived', onResponse);
  cdp.off('Network.requestServedFromCache', onCache);
  cdp.off('Network.loadingFinished', onDone);
  const assets = [...seen.values()].filter((r) => ASSET.test(new URL(r.url).pathname));
  const fetched = assets.filter((r) => !r.cached);
  return {
    islands,
    asset_bytes_fetched: fetched.reduce((n, r) => n + r.bytes, 0),
    assets_fetched: fetched.map((r) => new URL(r.url).pathname),
    assets_from_cache: assets.filter((r) => r.cached).length,
    islands_awake_ms: awakeMs,
  };
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const results = [];
  for (const p of pages) {
    const context = await browser.newContext();
    const [name, value] = cookie.split(/=(.*)/s);
    if (p.signed_in !== false) await context.addCookies([{ name, value, url: base }]);
    // The moment every island runs: the page's loader sets data-hydrated on the body.
    await context.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.body && document.body.dataset.hydrated === 'true') { window.__awake = performance.timeOrigin + performance.now(); obs.disconnect(); }
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const first = await visit(context, page, cdp, p.path);
    const second = await visit(context, page, cdp, p.path);
    results.push({ page: p.name, path: p.path, first, second });
    await context.close();
  }
  await browser.close();
  process.stdout.write(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(1); });
