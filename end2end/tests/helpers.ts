import { expect, Page, APIRequestContext, TestInfo } from '@playwright/test';

export const MOCK = 'http://127.0.0.1:3457';

export const isJs = (info: TestInfo) => info.project.name === 'js';

/** A fresh meeting id with `count` recordings in the mock, so tests never share data. */
export async function seedMeeting(request: APIRequestContext, count: number): Promise<string> {
  const hex = '0123456789abcdef';
  let id = 'e2e';
  while (id.length < 24) id += hex[Math.floor(Math.random() * 16)];
  const res = await request.post(`${MOCK}/_mock/seed/${id}`, { data: { count } });
  expect(res.status()).toBe(204);
  return id;
}

export async function setFaults(request: APIRequestContext, faults: Record<string, unknown>) {
  const res = await request.post(`${MOCK}/_mock/faults`, { data: faults });
  expect(res.status()).toBe(204);
}

export async function clearFaults(request: APIRequestContext) {
  await request.delete(`${MOCK}/_mock/faults`);
}

/** Open a page and, with JavaScript, wait until it has hydrated. */
export async function open(page: Page, path: string, info: TestInfo) {
  await page.goto(path);
  if (isJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Accounts the test server is started with (playwright.config.ts), one per role. */
export const USERS = {
  admin: { name: 'ada', password: 'e2e-admin-password' },
  operator: { name: 'otto', password: 'e2e-operator-password' },
  viewer: { name: 'vera', password: 'e2e-viewer-password' },
} as const;

/** Sign in through the real form (with or without JavaScript) and land on `next`. */
export async function signIn(page: Page, role: keyof typeof USERS = 'admin', next = '/') {
  const u = USERS[role];
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Username').fill(u.name);
  await page.getByLabel('Password').fill(u.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}
