/**
 * A guest keeps their notes through "Continue with …" in a real browser: the
 * starter app under `pbpages start` (on the suite's backend), Chromium, and a
 * real local OpenID Connect provider configured on the `users` collection.
 */
import { freePort } from '../../src/cli/backend-process.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import PocketBase from 'pocketbase';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import { registerSecret } from '../support/output-capture.js';
import { useBrowser } from './browser.js';
import { startStarterApp, type RunningApp } from './starter-app.js';

const browser = useBrowser();
const superuser = { email: 'root@pbpages.test', password: 'e2e-oauth2-superuser-pw' };
const run = Date.now().toString(36);
// No provider-list cache: the buttons must show on the first render, whatever the machine's load.
const mergeConfig = "export default { auth: { anonymous: { merge: { notes: 'owner' } }, oauth2: { providersCacheSeconds: 0 } } };";
let app: RunningApp;
let provider: TestOidcProvider;
let admin: PocketBase;

beforeEach(async () => {
  registerSecret(superuser.password);
  provider = await startOidcProvider();
  const backendPort = await freePort();
  // A known backend port, so the test can configure the provider on the backend `pbpages start` runs
  // (embedded, or the real PocketBase with PB_BACKEND=pocketbase).
  app = await startStarterApp({
    config: mergeConfig,
    env: { PB_PORT: String(backendPort), PB_SUPERUSER_EMAIL: superuser.email, PB_SUPERUSER_PASSWORD: superuser.password },
  });
  admin = new PocketBase(`http://127.0.0.1:${backendPort}`);
  await admin.collection('_superusers').authWithPassword(superuser.email, superuser.password);
  await admin.collections.update('users', { oauth2: { enabled: true, providers: [provider.providerConfig()] } });
});
afterEach(async () => {
  await admin.collections.update('users', { oauth2: { enabled: false, providers: [] } });
  await app.close();
  await provider.close();
});

async function guestWithNote(page: Page, text: string): Promise<string> {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Continue as Guest' }).click();
  await expect.poll(() => page.getByTestId('auth-status').textContent()).toContain('Guest');
  await page.getByLabel('New note').fill(text);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect.poll(() => page.getByTestId('notes').textContent()).toContain(text);
  await page.goto(`${app.url}/account`);
  return (await page.getByTestId('account-id').textContent())!.trim();
}

async function continueWithProvider(page: Page, email: string): Promise<void> {
  await page.goto(`${app.url}/account`);
  await page.getByRole('button', { name: 'Continue with Test ID' }).click();
  await expect.poll(() => page.getByTestId('auth-status').textContent()).toContain(email);
}

describe('"Continue with …" for a guest in the browser', () => {
  it('upgrades the guest in place: same account id, note still there, no longer anonymous', async () => {
    const page = await (await browser.newContext()).newPage();
    const guestId = await guestWithNote(page, 'Water the plants');
    provider.identity({ sub: `e2e-new-${run}`, email: `plants-${run}@pbpages.test` });
    await continueWithProvider(page, `plants-${run}@pbpages.test`);
    expect(new URL(page.url()).pathname).toBe('/notes');
    expect(await page.getByTestId('notes').textContent()).toContain('Water the plants');
    await page.goto(`${app.url}/account`);
    expect((await page.getByTestId('account-id').textContent())!.trim()).toBe(guestId);
    expect(await admin.collection('users').getOne(guestId)).toMatchObject({ anonymous: false, email: `plants-${run}@pbpages.test`, verified: true });
  });

  it('merges the guest into the account that already has the email: the note moves, the guest is gone', async () => {
    const holder = await admin.collection('users').create({ email: `holder-${run}@pbpages.test`, password: 'holder-pw-123', passwordConfirm: 'holder-pw-123', verified: true, anonymous: false });
    const page = await (await browser.newContext()).newPage();
    const guestId = await guestWithNote(page, 'Call the bank');
    provider.identity({ sub: `e2e-holder-${run}`, email: `holder-${run}@pbpages.test` });
    await continueWithProvider(page, `holder-${run}@pbpages.test`);
    expect(await page.getByTestId('notes').textContent()).toContain('Call the bank');
    await page.goto(`${app.url}/account`);
    expect((await page.getByTestId('account-id').textContent())!.trim()).toBe(holder.id);
    const notes = await admin.collection('notes').getFullList({ filter: admin.filter('owner = {:id}', { id: holder.id }) });
    expect(notes.map((n) => n.text)).toEqual(['Call the bank']);
    await expect(admin.collection('users').getOne(guestId)).rejects.toMatchObject({ status: 404 });
  });

  it('shows no provider button when none is configured', async () => {
    await admin.collections.update('users', { oauth2: { enabled: false, providers: [] } });
    const page = await (await browser.newContext()).newPage();
    await page.goto(app.url);
    await expect.poll(() => page.getByRole('button', { name: 'Continue as Guest' }).isVisible()).toBe(true);
    expect(await page.getByText('Continue with').count()).toBe(0);
  });
});
