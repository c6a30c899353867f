import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, count, startApp, startBackend } from './harness.js';
import type { App, Backend, Route } from './harness.js';
import { setUp } from './setup-schema.js';

const routes: Record<string, Route> = {
  '/guest': async (page) => {
    const signed = await page.signInAnonymously();
    return { id: signed.record.id, token: signed.token, authIdAfter: page.auth?.id, pbToken: page.pb.authStore.token };
  },
  '/guest/members': async (page) => (await page.signInAnonymously('members')).record,
  '/guest/posts': async (page) => (await page.signInAnonymously({ collection: 'posts' })).record,
  '/guest/nope': async (page) => (await page.signInAnonymously({ collection: 'nope' })).record,
  '/guest/replace': async (page) => (await page.signInAnonymously({ replace: true })).record,
  '/register': async (page) => (await page.registerWithPassword('perm@pbpages.test', 'perm-password-123')).record,
  '/me': async () => null,
};

let backend: Backend;
const apps: App[] = [];
async function app(config = {}, extra = {}) {
  const started = await startApp({ backend, routes, config, extra });
  apps.push(started);
  return started;
}

beforeAll(async () => {
  backend = await startBackend();
  await setUp(backend);
  const admin = await backend.admin();
  await admin.collections.create({ name: 'members', type: 'auth', createRule: '', fields: [{ name: 'anonymous', type: 'bool' }] });
  await admin.collections.create({ name: 'posts', type: 'base', createRule: '' });
});

afterAll(async () => {
  for (const started of apps) await started.close();
  await backend.close();
});

describe('signInAnonymously', () => {
  it('creates an unverified, hidden-email, anonymous record, signs in and sets the cookie', async () => {
    const browser = new Browser((await app()).url);
    const reply = await browser.post('/guest');
    expect(reply.status).toBe(200);
    const auth = reply.body.auth!;
    expect(auth['email']).toMatch(/^anonymous-[0-9a-z]{25}@example\.com$/);
    expect(auth).toMatchObject({ verified: false, emailVisibility: false, anonymous: true, collectionName: 'users' });
    expect(reply.body.anonymous).toBe(true);
    expect(reply.body.result.authIdAfter).toBe(auth['id']);
    expect(reply.body.result.pbToken).toBe(reply.body.result.token);
    const cookie = reply.setCookies.find((line) => line.startsWith('pb_auth='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Expires=/);
    expect(cookie).not.toMatch(/Secure/);
    const next = await browser.get('/me');
    expect(next.body.auth?.['id']).toBe(auth['id']);
    expect(next.body.anonymous).toBe(true);
  });

  it('creates the guest in the collection asked for', async () => {
    const browser = new Browser((await app()).url);
    const reply = await browser.post('/guest/members');
    expect(reply.status).toBe(200);
    expect(reply.body.auth).toMatchObject({ collectionName: 'members', anonymous: true });
  });

  it('refuses a collection that is not an auth collection, or does not exist', async () => {
    const url = (await app()).url;
    expect((await new Browser(url).post('/guest/posts')).body).toMatchObject({ code: 'not_auth_collection' });
    const missing = await new Browser(url).post('/guest/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('collection_not_found');
  });

  it('gives a visitor with a guest session the same guest back', async () => {
    const browser = new Browser((await app()).url);
    const first = await browser.post('/guest');
    const before = await count(backend, 'users');
    const second = await browser.post('/guest');
    expect(second.body.auth?.['id']).toBe(first.body.auth?.['id']);
    expect(await count(backend, 'users')).toBe(before);
  });

  it('never silently replaces a signed-in permanent user', async () => {
    const browser = new Browser((await app()).url);
    expect((await browser.post('/register')).status).toBe(200);
    const refused = await browser.post('/guest');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('already_signed_in');
    const replaced = await browser.post('/guest/replace');
    expect(replaced.status).toBe(200);
    expect(replaced.body.anonymous).toBe(true);
  });

  it('is refused on GET with 405 unless allowGet is set', async () => {
    const refused = await new Browser((await app()).url).get('/guest');
    expect(refused.status).toBe(405);
    expect(refused.body.code).toBe('method_not_allowed');
    const allowed = await new Browser((await app({ auth: { anonymous: { allowGet: true } } })).url).get('/guest');
    expect(allowed.status).toBe(200);
  });

  it('allows exactly max creations per IP and refuses the next with 429, creating nothing', async () => {
    const url = (await app({ auth: { anonymous: { rateLimit: { max: 3, windowSeconds: 3600 } } } })).url;
    for (let i = 0; i < 3; i += 1) expect((await new Browser(url).post('/guest')).status).toBe(200);
    const before = await count(backend, 'users');
    const refused = await new Browser(url).post('/guest');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(refused.body.retryAfter).toBeGreaterThan(0);
    expect(await count(backend, 'users')).toBe(before);
  });

  it('is refused with 403 when disabled, creating nothing', async () => {
    const url = (await app({ auth: { anonymous: { enabled: false } } })).url;
    const before = await count(backend, 'users');
    const refused = await new Browser(url).post('/guest');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('anonymous_disabled');
    expect(await count(backend, 'users')).toBe(before);
  });

  it('retries with a new random email when the email is taken', async () => {
    const admin = await backend.admin();
    const taken = 'collision0000000000000000';
    await admin.collection('users').create({ email: `anonymous-${taken}@example.com`, password: 'some-password-1', passwordConfirm: 'some-password-1' });
    let calls = 0;
    const ids = [taken, 'fresh00000000000000000001'];
    const url = (await app({}, { guestId: () => ids[Math.min(calls++, 1)]! })).url;
    const reply = await new Browser(url).post('/guest');
    expect(reply.status).toBe(200);
    expect(reply.body.auth?.['email']).toBe('anonymous-fresh00000000000000000001@example.com');
    expect(calls).toBe(2);
  });

  it('refuses cross-origin posts with 403', async () => {
    const refused = await new Browser((await app()).url).post('/guest', { origin: 'https://evil.test' });
    expect(refused.status).toBe(403);
  });
});
