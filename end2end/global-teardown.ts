import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { MOCK_KEY, RUN_DIR, SITE_ROOT } from './playwright.config';

// After every browser flow: the sentinel key appears in no log line of our servers and in no
// file the site serves; presigned download URLs appear in no log line. (Every response was
// checked as it arrived, by the fixture in tests/fixtures.ts.)
const PRESIGNED = /X-Amz-(Signature|Credential)=/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function contents(path: string): string {
  const raw = readFileSync(path);
  if (path.endsWith('.br')) return brotliDecompressSync(raw).toString('latin1');
  if (path.endsWith('.gz')) return gunzipSync(raw).toString('latin1');
  return raw.toString('latin1');
}

export default function globalTeardown() {
  const problems: string[] = [];
  let lines = 0;
  const replicas = process.env.REPLICAS_DATABASE_URL ? ['replica-a.log', 'replica-b.log'] : [];
  for (const log of ['app.log', 'sso.log', 'deletions.log', 'oidc.log', 'mock.log', ...replicas]) {
    const path = `${RUN_DIR}/${log}`;
    if (!existsSync(path)) {
      problems.push(`${log} is missing: the checks would pass without looking`);
      continue;
    }
    const all = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    if (log !== 'mock.log' && all.length === 0) problems.push(`${log} is empty: the checks would pass without looking`);
    all.forEach((line, i) => {
      if (line.includes(MOCK_KEY)) problems.push(`${log}:${i + 1} contains the API key`);
      if (PRESIGNED.test(line)) problems.push(`${log}:${i + 1} contains a presigned download URL`);
      // The providers' client secrets (oidc/provider.mjs), and any token they issued.
      if (/e2e-(acme|partner)-client-secret/.test(line)) problems.push(`${log}:${i + 1} contains a client secret`);
      if (/eyJ[\w-]{20,}\.eyJ/.test(line)) problems.push(`${log}:${i + 1} contains a JWT`);
    });
    lines += all.length;
  }
  const assets = files(SITE_ROOT);
  for (const path of assets) {
    const text = contents(path);
    // The header name is server-only too: finding it in the bundle would mean server code shipped.
    if (text.includes(MOCK_KEY) || text.includes('CB-Administration-API-Key')) problems.push(`${path} contains the key or its header`);
  }
  const scannedFile = `${RUN_DIR}/scanned-responses.txt`;
  const responses = existsSync(scannedFile)
    ? readFileSync(scannedFile, 'utf8').split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split('\t')[2]), 0)
    : 0;
  console.log(`secrets: ${responses} responses, ${lines} log lines and ${assets.length} site files scanned; ${problems.length} leaks`);
  if (problems.length) throw new Error(`secret scan failed:\n${problems.join('\n')}`);
}
