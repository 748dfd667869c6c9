import { rmSync, mkdirSync } from 'node:fs';
import { RUN_DIR } from './playwright.config';

// Fresh per-run scan records. The server logs are not touched: each server truncates its own
// log when it starts, and it has already started by now.
export default function globalSetup() {
  mkdirSync(RUN_DIR, { recursive: true });
  rmSync(`${RUN_DIR}/scanned-responses.txt`, { force: true });
  rmSync(`${RUN_DIR}/html`, { recursive: true, force: true });
}
