/**
 * OAuth2 sign-in, guest upgrade and guest merge through the starter app over
 * real HTTP: the page engine with the auth extension, the suite's backend
 * (embedded, or the real PocketBase with PB_BACKEND=pocketbase), and a real
 * local OpenID Connect provider the visitor is redirected to and back from.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import PocketBase from 'pocketbase';
import { startOidcProvider, type TestOidcProvider } from '../../support/oidc-provider.js';
import { registerSecret } from '../../support/output-capture.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { flash, testId, Visitor } from '../helpers/visitor.js';

const superuser = { email: 'root@pbpages.test', password: 'oauth2-superuser-pw-123' };

let app: TestApp;
let provider: TestOidcProvider;
let admin: PocketBase;

beforeAll(async () => {
  registerSecret(superuser.password);
  provider = await startOidcProvider();
  app = await startTestApp({
    superuser,
    pruneGuestsDaily: false,
    // No provider-list cache: the tests switch providers on and off between requests.
    auth: { anonymous: { merge: { notes: 'owner' }, rateLimit: { max: 1000, windowSeconds: 60 } }, oauth2: { providersCacheSeconds: 0 } },
  });
  admin = new PocketBase(app.pocketbaseUrl);
  admin.autoCancellation(false);
  await admin.collection('_superusers').authWithPassword(superuser.email, superuser.password);
});
afterAll(async () => {
  await admin.collections.update('users', { oauth2: { enabled: false, providers: [] } });
  await app.close();
  await provider.close();
});

let counter = 0;
const unique = (label: string) => `${label}-${Date.now().toString(36)}-${counter++}`;
const enableProvider = () => admin.collections.update('users', { oauth2: { enabled: true, providers: [provider.providerConfig()] } });

async function guestWithNote(text: string): Promise<{ visitor: Visitor; id: string }> {
  const visitor = new Visitor(app.url);
  await visitor.go('POST', '/', { mode: 'anonymous' });
  await visitor.go('POST', '/notes', { action: 'add', text });
  const { id, status } = await visitor.account();
  expect(status).toBe('Guest');
  return { visitor, id };
}

/** Clicks "Continue with Test ID" on a page: through the provider and back to the app. */
const continueWithProvider = (visitor: Visitor, from = '/account') => visitor.go('POST', '/auth/oauth2', { provider: 'oidc', from });

/** The claims of the session token in the visitor's `pb_auth` cookie. */
function tokenClaims(visitor: Visitor): Record<string, unknown> {
  const { token } = JSON.parse(decodeURIComponent(visitor.cookies.get('pb_auth')!.value)) as { token: string };
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

const notesOf = (owner: string) => admin.collection('notes').getFullList({ filter: admin.filter('owner = {:owner}', { owner }) });
const exists = (id: string) => admin.collection('users').getOne(id).then(() => true, () => false);

describe('"Continue with …" in the starter app', () => {
  it('shows no provider buttons while none is configured', async () => {
    await admin.collections.update('users', { oauth2: { enabled: false, providers: [] } });
    const { html } = await new Visitor(app.url).go('GET', '/');
    expect(html).not.toContain('Continue with');
    await enableProvider();
    const after = await new Visitor(app.url).go('GET', '/');
    expect(after.html).toContain('Continue with Test ID');
  });
});

describe('OAuth2 sign-in and guest upgrade', () => {
  beforeEach(enableProvider);

  it('signs a visitor without a session in with a new account holding the provider email', async () => {
    const email = `${unique('fresh')}@pbpages.test`;
    provider.identity({ sub: unique('sub'), email });
    const visitor = new Visitor(app.url);
    const { url } = await continueWithProvider(visitor, '/');
    expect(url.pathname).toBe('/notes');
    expect((await visitor.account()).status).toBe(email);
    expect(visitor.cookies.has('pb_oauth2')).toBe(false);
  });

  it('upgrades a guest in place: same id, note kept, provider email, verified, anonymous false, new cookie', async () => {
    const { visitor, id } = await guestWithNote('guest note');
    const cookieBefore = visitor.cookies.get('pb_auth')!.value;
    const email = `${unique('upgrade')}@pbpages.test`;
    const subject = unique('sub');
    provider.identity({ sub: subject, email });
    await continueWithProvider(visitor);
    const after = await visitor.account();
    expect(after.id).toBe(id);
    expect(after.status).toBe(email);
    expect(visitor.cookies.get('pb_auth')!.value).not.toBe(cookieBefore);
    expect(tokenClaims(visitor).refreshable).toBe(true);
    const record = await admin.collection('users').getOne(id);
    expect(record).toMatchObject({ email, verified: true, anonymous: false });
    expect((await notesOf(id)).map((n) => n.text)).toEqual(['guest note']);
    // The identity stays linked to the record (verifying it unlinks identities; pbpages links it again).
    const links = await admin.collection('_externalAuths').getFullList({ filter: admin.filter('recordRef = {:id}', { id }) });
    expect(links.map((l) => [l.provider, l.providerId])).toEqual([['oidc', subject]]);
    const later = new Visitor(app.url);
    await continueWithProvider(later, '/');
    expect((await later.account()).id).toBe(id);
  });

  it('merges a guest into the account that already has the identity: its note moves, the guest is deleted', async () => {
    const subject = unique('sub');
    provider.identity({ sub: subject, email: `${unique('owner')}@pbpages.test` });
    const owner = new Visitor(app.url);
    await continueWithProvider(owner, '/');
    const ownerId = (await owner.account()).id;

    const { visitor, id: guestId } = await guestWithNote('written as guest');
    await continueWithProvider(visitor);
    expect((await visitor.account()).id).toBe(ownerId);
    expect((await notesOf(ownerId)).map((n) => n.text)).toEqual(['written as guest']);
    expect(await exists(guestId)).toBe(false);
  });

  it('merges a guest into the password account holding the provider email, and links the identity to it', async () => {
    const email = `${unique('holder')}@pbpages.test`;
    const holder = await admin.collection('users').create({ email, password: 'holder-pw-123', passwordConfirm: 'holder-pw-123', verified: true, anonymous: false });
    const subject = unique('sub');
    provider.identity({ sub: subject, email });
    const { visitor, id: guestId } = await guestWithNote('to the holder');
    await continueWithProvider(visitor);
    expect((await visitor.account()).id).toBe(holder.id);
    expect((await notesOf(holder.id)).map((n) => n.text)).toEqual(['to the holder']);
    expect(await exists(guestId)).toBe(false);
    // The identity now belongs to the holder: a fresh sign-in with it lands there.
    const later = new Visitor(app.url);
    await continueWithProvider(later, '/');
    expect((await later.account()).id).toBe(holder.id);
    // And the holder's password still works (the account was verified: no pre-hijacking reset).
    await new PocketBase(app.pocketbaseUrl).collection('users').authWithPassword(email, 'holder-pw-123');
  });
});

describe('OAuth2 for a signed-in permanent account', () => {
  beforeEach(enableProvider);

  it('links a new identity to the account that is signed in', async () => {
    const email = `${unique('linker')}@pbpages.test`;
    const account = await admin.collection('users').create({ email, password: 'linker-pw-123', passwordConfirm: 'linker-pw-123', verified: true, anonymous: false });
    const visitor = new Visitor(app.url);
    await visitor.go('POST', '/sign-in', { email, password: 'linker-pw-123' });
    provider.identity({ sub: unique('sub'), email: `${unique('other-address')}@pbpages.test` });
    await continueWithProvider(visitor, '/sign-in');
    expect((await visitor.account()).id).toBe(account.id);
    const later = new Visitor(app.url);
    await continueWithProvider(later, '/');
    expect((await later.account()).id).toBe(account.id);
  });
});

describe('OAuth2 failures leave the guest as it was', () => {
  beforeEach(enableProvider);

  async function expectStillGuest(visitor: Visitor, id: string) {
    const after = await visitor.account();
    expect(after.id).toBe(id);
    expect(after.status).toBe('Guest');
    expect((await notesOf(id)).length).toBe(1);
  }

  it('says so when consent is denied (oauth2_denied)', async () => {
    const { visitor, id } = await guestWithNote('kept');
    provider.fail('denied');
    const { url, html } = await continueWithProvider(visitor);
    expect(url.pathname).toBe('/account');
    expect(url.searchParams.get('auth_error')).toBe('oauth2_denied');
    expect(flash(html)).toContain('cancelled');
    await expectStillGuest(visitor, id);
  });

  it('says so when the provider is down (oauth2_failed)', async () => {
    const { visitor, id } = await guestWithNote('kept');
    provider.identity({ sub: unique('sub'), email: `${unique('down')}@pbpages.test` });
    provider.fail('down');
    const { url, html } = await continueWithProvider(visitor);
    expect(url.searchParams.get('auth_error')).toBe('oauth2_failed');
    expect(flash(html)).toContain('did not complete');
    await expectStillGuest(visitor, id);
  });

  it('refuses a callback whose state is not the one it started with (oauth2_state_mismatch)', async () => {
    const { visitor, id } = await guestWithNote('kept');
    const start = await visitor.send('POST', '/auth/oauth2', { provider: 'oidc', from: '/account' });
    const toProvider = new URL(start.headers.get('location')!);
    toProvider.searchParams.set('state', 'forged-state-value');
    const { url } = await visitor.go('GET', toProvider.href);
    expect(url.searchParams.get('auth_error')).toBe('oauth2_state_mismatch');
    await expectStillGuest(visitor, id);
  });

  it('refuses a flow finished in another session than the one that started it (a planted flow cookie)', async () => {
    const visitor = new Visitor(app.url);
    provider.identity({ sub: unique('sub'), email: `${unique('planted')}@pbpages.test` });
    const start = await visitor.send('POST', '/auth/oauth2', { provider: 'oidc', from: '/account' });
    await visitor.go('POST', '/', { mode: 'anonymous' });
    await visitor.go('POST', '/notes', { action: 'add', text: 'kept' });
    const { id } = await visitor.account();
    const { url } = await visitor.go('GET', start.headers.get('location')!);
    expect(url.searchParams.get('auth_error')).toBe('oauth2_state_mismatch');
    await expectStillGuest(visitor, id);
  });

  it('says so when the provider is not one the collection has (oauth2_provider_unknown)', async () => {
    const { visitor, id } = await guestWithNote('kept');
    const { url, html } = await visitor.go('POST', '/auth/oauth2', { provider: 'github', from: '/account' });
    expect(url.pathname).toBe('/account');
    expect(flash(html)).toContain('not available');
    await expectStillGuest(visitor, id);
  });

  it('refuses a callback without a started flow (oauth2_flow_expired)', async () => {
    const { visitor, id } = await guestWithNote('kept');
    const { url, html } = await visitor.go('GET', '/auth/oauth2/callback?code=x&state=y');
    expect(url.searchParams.get('auth_error')).toBe('oauth2_flow_expired');
    expect(flash(html)).toContain('try again');
    await expectStillGuest(visitor, id);
  });
});

describe('merging a guest on password sign-in', () => {
  it('moves the guest note into the account it signs in to and deletes the guest', async () => {
    const email = `${unique('merge')}@pbpages.test`;
    const account = await admin.collection('users').create({ email, password: 'merge-pw-1234', passwordConfirm: 'merge-pw-1234', anonymous: false });
    const { visitor, id: guestId } = await guestWithNote('from the guest');
    const { url, html } = await visitor.go('POST', '/account', { action: 'merge', email, password: 'merge-pw-1234' });
    expect(url.pathname).toBe('/notes');
    expect(testId(html, 'auth-status')).toBe(email);
    expect((await notesOf(account.id)).map((n) => n.text)).toEqual(['from the guest']);
    expect(await exists(guestId)).toBe(false);
  });

  it('changes nothing when one record cannot move, and says so (the batch is all or nothing)', async () => {
    // Notes are unique per owner and text: the account's own "duplicate" refuses the guest's.
    await admin.collections.update('notes', { indexes: ['CREATE UNIQUE INDEX `idx_notes_owner_text` ON `notes` (`owner`, `text`)'] });
    try {
      const email = `${unique('clash')}@pbpages.test`;
      const account = await admin.collection('users').create({ email, password: 'clash-pw-1234', passwordConfirm: 'clash-pw-1234', anonymous: false });
      await admin.collection('notes').create({ owner: account.id, text: 'duplicate' });
      const { visitor, id: guestId } = await guestWithNote('first');
      await visitor.go('POST', '/notes', { action: 'add', text: 'duplicate' });
      const { html } = await visitor.go('POST', '/account', { action: 'merge', email, password: 'clash-pw-1234' });
      expect(testId(html, 'merge-error')).toContain('nothing was changed');
      expect(testId(html, 'auth-status')).toBe('Guest');
      expect((await visitor.account()).id).toBe(guestId);
      expect((await notesOf(guestId)).map((n) => n.text).sort()).toEqual(['duplicate', 'first']);
      expect((await notesOf(account.id)).map((n) => n.text)).toEqual(['duplicate']);
    } finally {
      await admin.collections.update('notes', { indexes: [] });
    }
  });
});
