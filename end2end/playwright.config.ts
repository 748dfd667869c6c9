import { defineConfig } from '@playwright/test';

// The release server and the mock upstream, started by scripts/test.sh's build.
const target = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/meeting-admin/target`;
const bin = process.env.MEETING_ADMIN_BIN ?? `${target}/release/meeting-admin`;
const site = process.env.LEPTOS_SITE_ROOT ?? `${target}/site`;
export const APP_PORT = 3456;
export const MOCK_PORT = 3457;
export const MOCK_KEY = 'e2e-sentinel-key-7f3a9c';
const db = `/tmp/meeting-admin-e2e-${process.pid}.db`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // One mock with switchable faults is shared, so tests run one at a time.
  workers: 1,
  retries: 0,
  reporter: [['list'], ['./summary-reporter.ts']],
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
    },
    trace: 'off',
  },
  projects: [
    { name: 'js', use: { javaScriptEnabled: true } },
    { name: 'nojs', use: { javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: `${bin} mock-upstream --mock-addr 127.0.0.1:${MOCK_PORT}`,
      env: { MOCK_UPSTREAM_KEY: MOCK_KEY },
      url: `http://127.0.0.1:${MOCK_PORT}/_mock/requests`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      // A fresh database with one account per role (see tests/helpers.ts), then the server.
      command: [
        `rm -f ${db}*`,
        `echo e2e-admin-password | ${bin} user add ada --role admin`,
        `echo e2e-operator-password | ${bin} user add otto --role operator`,
        `echo e2e-viewer-password | ${bin} user add vera --role viewer`,
        `${bin} serve`,
      ].join(' && '),
      env: {
        PUBLIC_URL: `http://127.0.0.1:${APP_PORT}`,
        MEDIA_ORIGINS: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_API_URL: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_ADMIN_API_KEY: MOCK_KEY,
        CONNECTYCUBE_TIMEOUT: '3s',
        DATABASE_URL: `sqlite://${db}`,
        LEPTOS_SITE_ADDR: `127.0.0.1:${APP_PORT}`,
        LEPTOS_SITE_ROOT: site,
        LOG_FORMAT: 'json',
      },
      url: `http://127.0.0.1:${APP_PORT}/readyz`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
  ],
});
