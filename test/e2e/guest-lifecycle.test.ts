import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useBrowser } from './browser.js';
import { startStarterApp, type RunningApp } from './starter-app.js';

const browser = useBrowser();
let app: RunningApp;

beforeEach(async () => {
  app = await startStarterApp();
});
afterEach(async () => {
  await app.close();
});

async function continueAsGuest(page: Page): Promise<void> {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Continue as Guest' }).click();
  await expect.poll(() => page.getByTestId('auth-status').textContent()).toContain('Guest');
}

async function addNote(page: Page, text: string): Promise<void> {
  await page.goto(`${app.url}/notes`);
  await page.getByLabel('New note').fill(text);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect.poll(() => page.getByTestId('notes').textContent()).toContain(text);
}

async function accountId(page: Page): Promise<string> {
  await page.goto(`${app.url}/account`);
  return (await page.getByTestId('account-id').textContent())!.trim();
}

describe('guest accounts in the browser', () => {
  it('a click on "Continue as Guest" signs the visitor in, and a reload keeps the session', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(app.url);
    expect(await page.getByTestId('auth-status').textContent()).toContain('Signed out');
    await continueAsGuest(page);
    expect(page.url()).toBe(`${app.url}/notes`);
    await page.reload();
    expect(await page.getByTestId('auth-status').textContent()).toContain('Guest');
  });

  it('notes survive keeping the account, and the new password signs back in to the same notes', async () => {
    const page = await (await browser.newContext()).newPage();
    await continueAsGuest(page);
    await addNote(page, 'Buy oat milk');
    const guestId = await accountId(page);

    const email = `kept-${Date.now()}@pbpages.test`;
    const form = page.getByTestId('keep-form');
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await form.getByLabel('Confirm password').fill('correct horse battery');
    await form.getByRole('button', { name: 'Keep my account' }).click();
    await expect.poll(() => page.getByTestId('auth-status').textContent()).toContain(email);
    expect(await accountId(page)).toBe(guestId);

    await page.goto(`${app.url}/notes`);
    expect(await page.getByTestId('notes').textContent()).toContain('Buy oat milk');

    await page.goto(`${app.url}/account`);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => page.getByTestId('auth-status').textContent()).toContain('Signed out');

    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('auth-status').textContent()).toContain(email);
    await page.goto(`${app.url}/notes`);
    expect(await page.getByTestId('notes').textContent()).toContain('Buy oat milk');
    expect(await accountId(page)).toBe(guestId);
  });

  it('a guest is warned before signing out, and signing out ends the session', async () => {
    const page = await (await browser.newContext()).newPage();
    await continueAsGuest(page);
    await page.goto(`${app.url}/account`);
    await expect.poll(() => page.getByTestId('guest-signout-warning').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => page.getByTestId('auth-status').textContent()).toContain('Signed out');
    await page.goto(`${app.url}/notes`);
    expect(await page.getByTestId('auth-status').textContent()).toContain('Signed out');
  });

  it('a second browser is a different guest with its own notes', async () => {
    const first = await (await browser.newContext()).newPage();
    const second = await (await browser.newContext()).newPage();
    await continueAsGuest(first);
    await continueAsGuest(second);
    await addNote(first, 'only in the first browser');
    expect(await accountId(first)).not.toBe(await accountId(second));
    await second.goto(`${app.url}/notes`);
    expect(await second.getByTestId('no-notes').isVisible()).toBe(true);
  });
});
