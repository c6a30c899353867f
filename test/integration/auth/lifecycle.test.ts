import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command as guestsCommand } from '../../../src/cli/commands/guests.js';
import { command as setupCommand } from '../../../src/cli/commands/setup.js';
import { pruneGuests } from '../../../src/auth/guest-prune.js';
import { setupGuestSchema } from '../../../src/auth/guest-schema.js';
import { createSuperuserClient } from '../../../src/pocketbase/superuser-client.js';
import { Browser, count, startApp, startBackend, superuser } from './harness.js';
import type { App, Backend, Route } from './harness.js';

const routes: Record<string, Route> = {
  '/guest': async (page) => (await page.signInAnonymously()).record,
  '/signout': async (page) => page.signOut(),
  '/signout-delete': async (page) => page.signOut({ deleteGuest: true }),
  '/register': async (page) => (await page.registerWithPassword('keep@pbpages.test', 'keep-password-123')).record,
  '/login': async (page) => (await page.signInWithPassword('keep@pbpages.test', 'keep-password-123')).record,
  '/bad-login': async (page) => (await page.signInWithPassword('keep@pbpages.test', 'wrong-password')).record,
  '/register-as': async (page) => {
    const email = new URL(page.request.url, 'http://x').searchParams.get('email')!;
    return (await page.registerWithPassword(email, 'everywhere-password-1')).record;
  },
  '/login-as': async (page) => {
    const email = new URL(page.request.url, 'http://x').searchParams.get('email')!;
    return (await page.signInWithPassword(email, 'everywhere-password-1')).record;
  },
  '/signout-everywhere': async (page) => page.signOut({ everywhere: true }),
  '/me': async () => null,
};

let backend: Backend;
let root: string;
const apps: App[] = [];
async function app() {
  const started = await startApp({ backend, routes });
  apps.push(started);
  return started;
}

beforeAll(async () => {
  backend = await startBackend();
  root = await mkdtemp(join(tmpdir(), 'pbpages-root-'));
});

afterAll(async () => {
  for (const started of apps) await started.close();
  await backend.close();
  await rm(root, { recursive: true, force: true });
});

describe('guest lifecycle', () => {
  it('works before setup: guests recognised by email, with a warning naming pbpages setup', async () => {
    const started = await app();
    const browser = new Browser(started.url);
    const guest = await browser.post('/guest');
    expect(guest.status).toBe(200);
    expect(guest.body.anonymous).toBe(true);
    expect(started.logs.some((line) => line.includes('pbpages setup'))).toBe(true);
  });

  it('setup on a fresh backend adds the anonymous field and imports pb_schema.json', async () => {
    await writeFile(
      join(root, 'pb_schema.json'),
      JSON.stringify([{ name: 'notes', type: 'base', fields: [{ name: 'title', type: 'text' }], listRule: '@request.auth.anonymous = false' }]),
    );
    const su = createSuperuserClient(backend.url, superuser);
    const first = await setupGuestSchema({ superuser: su, root, collection: 'users', log: () => undefined });
    expect(first).toEqual({ imported: 1, addedAnonymousField: true });
    const admin = await backend.admin();
    expect((await admin.collections.getOne('users')).fields.some((f) => f.name === 'anonymous')).toBe(true);
    expect((await admin.collections.getOne('notes')).fields.some((f) => f.name === 'title')).toBe(true);
    const again = await setupGuestSchema({ superuser: su, root, collection: 'users', log: () => undefined });
    expect(again.addedAnonymousField).toBe(false);
  });

  it('signOut clears the cookie and keeps the guest record', async () => {
    const browser = new Browser((await app()).url);
    const guest = await browser.post('/guest');
    const out = await browser.post('/signout');
    expect(out.body.auth).toBeNull();
    expect(out.setCookies.some((line) => /^pb_auth=;/.test(line))).toBe(true);
    expect((await browser.get('/me')).body.auth).toBeNull();
    expect(await count(backend, 'users', `id = "${String(guest.body.auth?.['id'])}"`)).toBe(1);
  });

  it('signOut() ends the session in this browser only: a copy of the cookie taken before still works', async () => {
    const url = (await app()).url;
    const browser = new Browser(url);
    const user = await browser.post('/register-as?email=plain-out@pbpages.test');
    const copy = new Browser(url);
    copy.jar.set('pb_auth', browser.jar.get('pb_auth')!);
    await browser.post('/signout');
    expect((await browser.get('/me')).body.auth).toBeNull();
    expect((await copy.get('/me')).body.auth?.['id']).toBe(user.body.auth?.['id']);
  });

  it('signOut({ everywhere: true }) revokes every token of the account: copied cookies and other devices are signed out', async () => {
    const url = (await app()).url;
    const browser = new Browser(url);
    const user = await browser.post('/register-as?email=everywhere@pbpages.test');
    const copy = new Browser(url);
    copy.jar.set('pb_auth', browser.jar.get('pb_auth')!);
    expect((await copy.get('/me')).body.auth?.['id']).toBe(user.body.auth?.['id']);
    const otherDevice = new Browser(url);
    await otherDevice.post('/login-as?email=everywhere@pbpages.test');
    const out = await browser.post('/signout-everywhere');
    expect(out.status).toBe(200);
    expect(out.body.auth).toBeNull();
    for (const stale of [copy, otherDevice]) {
      const reply = await stale.get('/me');
      expect(reply.body.auth).toBeNull();
      expect(reply.setCookies.some((line) => /^pb_auth=;/.test(line))).toBe(true);
    }
    const again = new Browser(url);
    expect((await again.post('/login-as?email=everywhere@pbpages.test')).body.auth?.['id']).toBe(user.body.auth?.['id']);
  });

  it('signOut({ deleteGuest: true }) also deletes the guest record', async () => {
    const browser = new Browser((await app()).url);
    const guest = await browser.post('/guest');
    await browser.post('/signout-delete');
    expect(await count(backend, 'users', `id = "${String(guest.body.auth?.['id'])}"`)).toBe(0);
  });

  it('signInWithPassword signs in; a wrong password is invalid_credentials', async () => {
    const url = (await app()).url;
    await new Browser(url).post('/register');
    const browser = new Browser(url);
    const ok = await browser.post('/login');
    expect(ok.body.auth?.['email']).toBe('keep@pbpages.test');
    expect(ok.body.anonymous).toBe(false);
    const bad = await new Browser(url).post('/bad-login');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_credentials');
  });

  it('prune deletes guests created before the cutoff and keeps permanent users and newer guests', async () => {
    const browser = new Browser((await app()).url);
    await browser.post('/guest');
    const guests = await count(backend, 'users', 'anonymous = true');
    const permanent = await count(backend, 'users', 'anonymous = false');
    expect(guests).toBeGreaterThan(0);
    const su = createSuperuserClient(backend.url, superuser);
    const pattern = { emailPrefix: 'anonymous-', emailDomain: 'example.com' };
    expect(await pruneGuests({ superuser: su, collection: 'users', cutoff: new Date(Date.now() - 86400_000), pattern })).toBe(0);
    const deleted = await pruneGuests({ superuser: su, collection: 'users', cutoff: new Date(Date.now() + 1000), pattern, batchSize: 1 });
    expect(deleted).toBe(guests);
    expect(await count(backend, 'users', 'anonymous = true')).toBe(0);
    expect(await count(backend, 'users', 'anonymous = false')).toBe(permanent);
  });

  it('`pbpages setup` and `pbpages guests prune --older-than 0s` work against PB_URL as superuser', async () => {
    const saved = { ...process.env };
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    Object.assign(process.env, { PB_URL: backend.url, PB_SUPERUSER_EMAIL: superuser.email, PB_SUPERUSER_PASSWORD: superuser.password });
    try {
      await new Browser((await app()).url).post('/guest');
      expect(await setupCommand.run([])).toBe(0);
      expect(await guestsCommand.run(['prune', '--older-than', '0s'])).toBe(0);
      expect(printed.at(-1)).toMatch(/pruned 1 guest/);
      expect(await guestsCommand.run(['prune', '--older-than', 'soon'])).toBe(1);
    } finally {
      spy.mockRestore();
      process.env = saved;
    }
  });
});
