import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, startApp, startBackend } from './harness.js';
import type { App, Backend, Route } from './harness.js';
import { setUp } from './setup-schema.js';

/** 19 characters (under PocketBase's 71) but 76 UTF-8 bytes: bcrypt would read only the first 72. */
const tooLongPassword = `${'\u{1F600}'.repeat(18)}-tail`;

const routes: Record<string, Route> = {
  '/guest': async (page) => (await page.signInAnonymously()).record,
  '/name': async (page) => page.pb.collection('users').update(page.auth!.id, { name: 'Guest Gina' }),
  '/link': async (page) => {
    const url = new URL(page.request.url, 'http://x');
    const signed = await page.linkWithPassword(url.searchParams.get('email')!, 'linked-password-123');
    return { id: signed.record.id, sameAsAuth: page.auth?.id === signed.record.id, anonymous: page.isAnonymous() };
  },
  '/register': async (page) => (await page.registerWithPassword('taken@pbpages.test', 'taken-password-123')).record,
  '/register-guestlike': async (page) => (await page.registerWithPassword('anonymous-abc@example.com', 'pw-1234567890')).record,
  '/register-long': async (page) => (await page.registerWithPassword('long@pbpages.test', tooLongPassword)).record,
  '/link-long': async (page) => (await page.linkWithPassword('long-link@pbpages.test', tooLongPassword)).record,
  '/unflag': async (page) => page.pb.collection('users').update(page.auth!.id, { anonymous: false }),
  '/me': async () => null,
};

let backend: Backend;
const apps: App[] = [];
async function app(withSuperuser = true) {
  const started = await startApp({ backend, routes, withSuperuser });
  apps.push(started);
  return started;
}

beforeAll(async () => {
  backend = await startBackend();
  await setUp(backend);
});

afterAll(async () => {
  for (const started of apps) await started.close();
  await backend.close();
});

describe('linkWithPassword', () => {
  it('upgrades the guest in place: same id, data kept, new password works, old token dead', async () => {
    const browser = new Browser((await app()).url);
    const guest = await browser.post('/guest');
    await browser.post('/name');
    const oldToken = browser.token();
    const linked = await browser.post('/link?email=gina@pbpages.test');
    expect(linked.status).toBe(200);
    expect(linked.body.result).toEqual({ id: guest.body.auth?.['id'], sameAsAuth: true, anonymous: false });
    expect(linked.body.auth).toMatchObject({ email: 'gina@pbpages.test', anonymous: false, name: 'Guest Gina', verified: false });
    expect(browser.token()).not.toBe(oldToken);

    const me = await browser.get('/me');
    expect(me.body.auth?.['id']).toBe(guest.body.auth?.['id']);
    expect(me.body.anonymous).toBe(false);

    const pb = new PocketBase(backend.url);
    const signedIn = await pb.collection('users').authWithPassword('gina@pbpages.test', 'linked-password-123');
    expect(signedIn.record.id).toBe(guest.body.auth?.['id']);
    await expect(
      new PocketBase(backend.url).collection('users').authRefresh({ headers: { Authorization: oldToken } }),
    ).rejects.toMatchObject({ status: 401 });
    const stale = await new Browser(browser.baseUrl).get('/me', {
      cookie: `pb_auth=${encodeURIComponent(JSON.stringify({ token: oldToken, record: {} }))}`,
    });
    expect(stale.body.auth).toBeNull();
  });

  it('answers email_conflict 409 for a taken email and leaves the guest session untouched', async () => {
    const url = (await app()).url;
    await new Browser(url).post('/register');
    const browser = new Browser(url);
    const guest = await browser.post('/guest');
    const token = browser.token();
    const refused = await browser.post('/link?email=taken@pbpages.test');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('email_conflict');
    expect(browser.token()).toBe(token);
    const me = await browser.get('/me');
    expect(me.body.auth?.['id']).toBe(guest.body.auth?.['id']);
    expect(me.body.anonymous).toBe(true);
  });

  it('refuses to link a permanent account with not_anonymous', async () => {
    const browser = new Browser((await app()).url);
    const admin = await backend.admin();
    await admin.collection('users').create({ email: 'perm2@pbpages.test', password: 'perm-password-123', passwordConfirm: 'perm-password-123', anonymous: false });
    const pb = new PocketBase(backend.url);
    const auth = await pb.collection('users').authWithPassword('perm2@pbpages.test', 'perm-password-123');
    const refused = await browser.post('/link?email=new@pbpages.test', { authorization: auth.token });
    expect(refused.body.code).toBe('not_anonymous');
  });

  it('names the missing superuser credentials when none are configured', async () => {
    const browser = new Browser((await app(false)).url);
    await browser.post('/guest');
    const refused = await browser.post('/link?email=x@pbpages.test');
    expect(refused.status).toBe(500);
    expect(refused.body.code).toBe('superuser_required');
  });

  it('refuses registrations shaped like guest emails', async () => {
    const refused = await new Browser((await app()).url).post('/register-guestlike');
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation');
    expect(refused.body.fields.email.code).toBe('validation_guest_email');
  });

  it('refuses a password longer than bcrypt reads (72 UTF-8 bytes) with a password field error, on register and link', async () => {
    const browser = new Browser((await app()).url);
    const registered = await browser.post('/register-long');
    expect(registered.status).toBe(400);
    expect(registered.body.code).toBe('validation');
    expect(registered.body.fields.password.code).toBe('validation_password_too_long');
    expect(registered.body.fields.password.message).toMatch(/72 bytes/);
    const guest = await browser.post('/guest');
    const linked = await browser.post('/link-long');
    expect(linked.body.fields.password.code).toBe('validation_password_too_long');
    const still = await browser.get('/me');
    expect(still.body.auth?.['id']).toBe(guest.body.auth?.['id']);
    expect(still.body.anonymous).toBe(true);
  });

  it('passes backend field errors on as validation with fields', async () => {
    const browser = new Browser((await app()).url);
    await browser.post('/guest');
    const refused = await browser.post('/link?email=not-an-email');
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation');
    expect(refused.body.fields.email).toBeDefined();
  });

  it('does not let a guest clear its own anonymous flag through the API (setup guards the rule)', async () => {
    const browser = new Browser((await app()).url);
    await browser.post('/guest');
    const refused = await browser.post('/unflag');
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect((await browser.get('/me')).body.anonymous).toBe(true);
  });
});
