import { defineConfig } from '@playwright/test';

// The release server and the mock upstream, started by scripts/test.sh's build.
const target = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/meeting-admin/target`;
// The server binary, also run as the operator's console by the replicas tests.
export const SERVER_BIN = process.env.MEETING_ADMIN_BIN ?? `${target}/server-release/meeting-admin`;
const site = process.env.LEPTOS_SITE_ROOT ?? `${target}/site`;
export const APP_PORT = 3456;
export const MOCK_PORT = 3457;
export const MOCK_KEY = 'e2e-sentinel-key-7f3a9c';
// Server logs and scan results of this run; read by the secret checks (global-teardown.ts).
export const RUN_DIR = `${__dirname}/.run`;
export const SITE_ROOT = site;
// A second instance behind nginx as the SSO gateway (gateway/nginx.conf): 3459 and 3460 are nginx.
export const SSO_APP_PORT = 3458;
const db = `/tmp/meeting-admin-e2e-${process.pid}.db`;
const ssoDb = `/tmp/meeting-admin-e2e-sso-${process.pid}.db`;
// A third instance where deletions wait for a second admin's approval, then a short grace period.
export const DELETIONS_PORT = 3464;
const deletionsDb = `/tmp/meeting-admin-e2e-deletions-${process.pid}.db`;
const gatewayDir = `/tmp/meeting-admin-e2e-gateway-${process.pid}`;
// A fourth instance that signs in with two OpenID Connect providers (oidc/provider.mjs, the npm
// package oidc-provider), local sign-in off but for the break-glass account.
export const OIDC_APP_PORT = 3467;
export const OIDC_ACME_PORT = 3465;
export const OIDC_PARTNER_PORT = 3466;
const oidcDb = `/tmp/meeting-admin-e2e-oidc-${process.pid}.db`;
const oidcProvider = (name: string, port: number, display: string) => ({
  [`OIDC_${name}_ISSUER`]: `http://127.0.0.1:${port}`,
  [`OIDC_${name}_CLIENT_ID`]: 'meeting-admin',
  [`OIDC_${name}_CLIENT_SECRET`]: `e2e-${name.toLowerCase()}-client-secret`,
  [`OIDC_${name}_DISPLAY_NAME`]: display,
  [`OIDC_${name}_SCOPES`]: 'openid email groups',
  [`OIDC_${name}_ADMIN_GROUPS`]: 'it-admins',
  [`OIDC_${name}_OPERATOR_GROUPS`]: 'support',
  [`OIDC_${name}_VIEWER_GROUPS`]: 'staff',
});
// Two replicas on one PostgreSQL database behind nginx (replicas/), when scripts/test.sh has
// started a PostgreSQL server. Set once here, so the test workers see the runner's value.
export const LB_PORT = 3463;
export const REPLICA_PORTS = [3461, 3462];
if (process.env.MEETING_ADMIN_TEST_POSTGRES && !process.env.REPLICAS_DATABASE_URL) {
  const server = process.env.MEETING_ADMIN_TEST_POSTGRES;
  process.env.REPLICAS_DATABASE_URL = `${server.slice(0, server.lastIndexOf('/'))}/e2e_replicas_${process.pid}`;
}
const replicas = process.env.REPLICAS_DATABASE_URL
  ? [
      {
        command: `${__dirname}/replicas/start.sh`,
        env: {
          MEETING_ADMIN_BIN: SERVER_BIN,
          RUN_DIR,
          PUBLIC_URL: `http://127.0.0.1:${LB_PORT}`,
          MEDIA_ORIGINS: `http://127.0.0.1:${MOCK_PORT}`,
          CONNECTYCUBE_API_URL: `http://127.0.0.1:${MOCK_PORT}`,
          CONNECTYCUBE_ADMIN_API_KEY: MOCK_KEY,
          LEPTOS_SITE_ROOT: site,
          LOG_FORMAT: 'json',
          DELETE_GRACE: '0',
          RECORDINGS_CACHE_TTL: '0',
        },
        url: `http://127.0.0.1:${LB_PORT}/readyz`,
        reuseExistingServer: false,
        stdout: 'ignore' as const,
      },
    ]
  : [];

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // One mock with switchable faults is shared, so tests run one at a time.
  workers: 1,
  retries: 0,
  reporter: [['list'], ['./summary-reporter.ts']],
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
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
      command: `mkdir -p ${RUN_DIR} && exec ${SERVER_BIN} mock-upstream --mock-addr 127.0.0.1:${MOCK_PORT} > ${RUN_DIR}/mock.log 2>&1`,
      env: { MOCK_UPSTREAM_KEY: MOCK_KEY },
      url: `http://127.0.0.1:${MOCK_PORT}/_mock/requests`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      // A fresh database with one account per role (see tests/helpers.ts), then the server.
      command: [
        `rm -f ${db}*`,
        `mkdir -p ${RUN_DIR}`,
        `echo e2e-admin-password | ${SERVER_BIN} user add ada --role admin`,
        `echo e2e-operator-password | ${SERVER_BIN} user add otto --role operator`,
        `echo e2e-viewer-password | ${SERVER_BIN} user add vera --role viewer`,
        `exec ${SERVER_BIN} serve > ${RUN_DIR}/app.log 2>&1`,
      ].join(' && '),
      env: {
        PUBLIC_URL: `http://127.0.0.1:${APP_PORT}`,
        MEDIA_ORIGINS: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_API_URL: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_ADMIN_API_KEY: MOCK_KEY,
        CONNECTYCUBE_TIMEOUT: '3s',
        // Deletes at once, as the recordings tests expect; deletions.spec runs the waiting kind.
        DELETE_GRACE: '0',
        // Every view asks the mock (tests change it between views); the approvals server keeps lists.
        RECORDINGS_CACHE_TTL: '0',
        DATABASE_URL: `sqlite://${db}`,
        LEPTOS_SITE_ADDR: `127.0.0.1:${APP_PORT}`,
        LEPTOS_SITE_ROOT: site,
        LOG_FORMAT: 'json',
      },
      url: `http://127.0.0.1:${APP_PORT}/readyz`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: [
        `rm -f ${deletionsDb}*`,
        `mkdir -p ${RUN_DIR}`,
        `echo e2e-admin-password | ${SERVER_BIN} user add ada --role admin`,
        `echo e2e-second-admin-password | ${SERVER_BIN} user add bea --role admin`,
        `exec ${SERVER_BIN} serve > ${RUN_DIR}/deletions.log 2>&1`,
      ].join(' && '),
      env: {
        PUBLIC_URL: `http://127.0.0.1:${DELETIONS_PORT}`,
        MEDIA_ORIGINS: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_API_URL: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_ADMIN_API_KEY: MOCK_KEY,
        DATABASE_URL: `sqlite://${deletionsDb}`,
        DELETE_GRACE: '4s',
        DELETE_APPROVAL: 'required',
        LEPTOS_SITE_ADDR: `127.0.0.1:${DELETIONS_PORT}`,
        LEPTOS_SITE_ROOT: site,
        LOG_FORMAT: 'json',
      },
      url: `http://127.0.0.1:${DELETIONS_PORT}/readyz`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      // Trusts identity headers only from nginx's address; no local accounts at all.
      command: `rm -f ${ssoDb}* && mkdir -p ${RUN_DIR} && exec ${SERVER_BIN} serve > ${RUN_DIR}/sso.log 2>&1`,
      env: {
        PUBLIC_URL: 'http://127.0.0.1:3459',
        MEDIA_ORIGINS: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_API_URL: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_ADMIN_API_KEY: MOCK_KEY,
        DATABASE_URL: `sqlite://${ssoDb}`,
        DELETE_GRACE: '0',
        RECORDINGS_CACHE_TTL: '0',
        LEPTOS_SITE_ADDR: `127.0.0.1:${SSO_APP_PORT}`,
        LEPTOS_SITE_ROOT: site,
        LOG_FORMAT: 'json',
        SSO_USER_HEADER: 'X-Forwarded-Email',
        SSO_GROUPS_HEADER: 'X-Forwarded-Groups',
        SSO_TRUSTED_PROXIES: '127.0.0.2/32',
        SSO_ADMIN_GROUPS: 'meeting-admins',
        SSO_OPERATOR_GROUPS: 'meeting-operators',
        SSO_VIEWER_GROUPS: 'support',
        LOCAL_LOGIN: 'false',
      },
      url: `http://127.0.0.1:${SSO_APP_PORT}/readyz`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: `rm -rf ${gatewayDir} && mkdir -p ${gatewayDir}/tmp && exec ${process.env.NGINX ?? '/usr/sbin/nginx'} -p ${gatewayDir}/ -c ${__dirname}/gateway/nginx.conf -e stderr`,
      url: 'http://127.0.0.1:3459/readyz',
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: `mkdir -p ${RUN_DIR} && exec node ${__dirname}/oidc/provider.mjs http://127.0.0.1:${OIDC_APP_PORT} ${OIDC_ACME_PORT} ${OIDC_PARTNER_PORT} > ${RUN_DIR}/oidc-provider.log 2>&1`,
      url: `http://127.0.0.1:${OIDC_PARTNER_PORT}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: [
        `rm -f ${oidcDb}*`,
        `mkdir -p ${RUN_DIR}`,
        `echo e2e-break-glass-password | ${SERVER_BIN} user add root-admin --role admin`,
        `exec ${SERVER_BIN} serve > ${RUN_DIR}/oidc.log 2>&1`,
      ].join(' && '),
      env: {
        PUBLIC_URL: `http://127.0.0.1:${OIDC_APP_PORT}`,
        MEDIA_ORIGINS: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_API_URL: `http://127.0.0.1:${MOCK_PORT}`,
        CONNECTYCUBE_ADMIN_API_KEY: MOCK_KEY,
        DATABASE_URL: `sqlite://${oidcDb}`,
        DELETE_GRACE: '0',
        RECORDINGS_CACHE_TTL: '0',
        LEPTOS_SITE_ADDR: `127.0.0.1:${OIDC_APP_PORT}`,
        LEPTOS_SITE_ROOT: site,
        LOG_FORMAT: 'json',
        LOCAL_LOGIN: 'false',
        BREAK_GLASS_ACCOUNTS: 'root-admin',
        ...oidcProvider('ACME', OIDC_ACME_PORT, 'Acme SSO'),
        ...oidcProvider('PARTNER', OIDC_PARTNER_PORT, 'Partner ID'),
      },
      url: `http://127.0.0.1:${OIDC_APP_PORT}/readyz`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    ...replicas,
  ],
});
