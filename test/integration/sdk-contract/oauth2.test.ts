/**
 * OAuth2 through the SDK against a real local OpenID Connect provider, on the
 * embedded backend or (PB_TEST_URL) a real PocketBase: auth-methods with state
 * and PKCE, sign-up and sign-in, linking to the authenticated record, the
 * pre-hijacking protection, and `_externalAuths`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PocketBase from 'pocketbase';
import { startOidcProvider, type TestOidcProvider } from '../../support/oidc-provider.js';
import { client, startTestBackend, uniqueEmail, failure, type TestBackend } from '../helpers/backend.js';

let backend: TestBackend;
let provider: TestOidcProvider;
const redirectURL = 'http://127.0.0.1:9/callback';

beforeAll(async () => {
  backend = await startTestBackend();
  provider = await startOidcProvider();
  const admin = await backend.admin();
  await admin.collections.update('users', { oauth2: { enabled: true, providers: [provider.providerConfig()] } });
});
afterAll(async () => {
  const admin = await backend.admin();
  await admin.collections.update('users', { oauth2: { enabled: false, providers: [] } });
  await provider.close();
  await backend.close();
});

/** The browser's part: follow the provider's authorization URL and read the code it redirects back with. */
async function authorize(pb: PocketBase): Promise<{ code: string; codeVerifier: string; state: string; returnedState: string }> {
  const methods = await pb.collection('users').listAuthMethods();
  const info = methods.oauth2.providers.find((p) => p.name === 'oidc')!;
  const response = await fetch(info.authURL + encodeURIComponent(redirectURL), { redirect: 'manual' });
  const location = new URL(response.headers.get('location')!);
  return { code: location.searchParams.get('code')!, codeVerifier: info.codeVerifier, state: info.state, returnedState: location.searchParams.get('state')! };
}

async function signInWithProvider(pb: PocketBase) {
  const { code, codeVerifier } = await authorize(pb);
  return pb.collection('users').authWithOAuth2Code('oidc', code, codeVerifier, redirectURL);
}

let subjects = 0;
const newSubject = () => `subject-${Date.now().toString(36)}-${subjects++}`;

describe('OAuth2 with an OpenID Connect provider', () => {
  it('lists the provider with a fresh state and an S256 PKCE challenge, leaving redirect_uri to the client', async () => {
    const methods = await client(backend.url).collection('users').listAuthMethods();
    expect(methods.oauth2.enabled).toBe(true);
    const [info] = methods.oauth2.providers;
    expect(info).toMatchObject({ name: 'oidc', displayName: 'Test ID', codeChallengeMethod: 'S256' });
    expect(info!.state.length).toBeGreaterThanOrEqual(30);
    expect(info!.codeVerifier.length).toBeGreaterThanOrEqual(43);
    expect(info!.authURL.startsWith(`${provider.url}/authorize?`)).toBe(true);
    expect(info!.authURL.endsWith('&redirect_uri=')).toBe(true);
    const url = new URL(info!.authURL);
    expect(url.searchParams.get('state')).toBe(info!.state);
    expect(url.searchParams.get('code_challenge')).toBe(info!.codeChallenge);
    const again = await client(backend.url).collection('users').listAuthMethods();
    expect(again.oauth2.providers[0]!.state).not.toBe(info!.state);
  });

  it('signs up a new identity with its verified email, then signs the same record in next time', async () => {
    const email = uniqueEmail('oidc');
    provider.identity({ sub: newSubject(), email });
    const first = await signInWithProvider(client(backend.url));
    expect(first.meta?.isNew).toBe(true);
    expect(first.record.email).toBe(email);
    expect(first.record.verified).toBe(true);
    const second = await signInWithProvider(client(backend.url));
    expect(second.meta?.isNew).toBe(false);
    expect(second.record.id).toBe(first.record.id);
  });

  it('never signs in to the account holding an email the provider has not verified', async () => {
    const email = uniqueEmail('unverified');
    const holder = client(backend.url);
    await holder.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    provider.identity({ sub: newSubject(), email, emailVerified: false });
    // Without a verified email there is no email to match and none to sign up with (email is required).
    const error = await failure(signInWithProvider(client(backend.url)));
    expect(error.status).toBe(400);
    await holder.collection('users').authWithPassword(email, 'password-123');
  });

  it('links a new identity to the record the request is authenticated as, keeping its email and password', async () => {
    const email = uniqueEmail('guestlike');
    const pb = client(backend.url);
    const created = await pb.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    await pb.collection('users').authWithPassword(email, 'password-123');
    provider.identity({ sub: newSubject(), email: uniqueEmail('provider') });
    const linked = await signInWithProvider(pb);
    expect(linked.record.id).toBe(created.id);
    expect(linked.record.email).toBe(email);
    expect(linked.meta?.isNew).toBe(false);
    await client(backend.url).collection('users').authWithPassword(email, 'password-123');
    const links = await pb.collection('_externalAuths').getFullList();
    expect(links.map((l) => [l.provider, l.recordRef])).toEqual([['oidc', created.id]]);
  });

  it('unlinks every identity of a record when it becomes verified', async () => {
    const email = uniqueEmail('verify');
    const pb = client(backend.url);
    const created = await pb.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    await pb.collection('users').authWithPassword(email, 'password-123');
    provider.identity({ sub: newSubject(), email: uniqueEmail('linked') });
    await signInWithProvider(pb);
    const admin = await backend.admin();
    const links = () => admin.collection('_externalAuths').getFullList({ filter: admin.filter('recordRef = {:id}', { id: created.id }) });
    expect(await links()).toHaveLength(1);
    await admin.collection('users').update(created.id, { verified: true });
    expect(await links()).toHaveLength(0);
    // And the sessions made while it was linked end (the token key is renewed).
    expect((await failure(pb.collection('users').authRefresh())).status).toBe(401);
  });

  it('signs in the record already linked to the identity, not the one the request is authenticated as', async () => {
    const subject = newSubject();
    provider.identity({ sub: subject, email: uniqueEmail('owner') });
    const owner = await signInWithProvider(client(backend.url));
    const other = client(backend.url);
    const email = uniqueEmail('other');
    await other.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    await other.collection('users').authWithPassword(email, 'password-123');
    const result = await signInWithProvider(other);
    expect(result.record.id).toBe(owner.record.id);
  });

  it('resets the password of an unverified account pre-created with the identity email (pre-hijacking)', async () => {
    const email = uniqueEmail('victim');
    const squatter = await client(backend.url).collection('users').create({ email, password: 'squatter-pw-1', passwordConfirm: 'squatter-pw-1' });
    provider.identity({ sub: newSubject(), email });
    const result = await signInWithProvider(client(backend.url));
    expect(result.record.id).toBe(squatter.id);
    expect(result.record.verified).toBe(true);
    const refused = await failure(client(backend.url).collection('users').authWithPassword(email, 'squatter-pw-1'));
    expect(refused.status).toBe(400);
  });

  it('answers 400 "Failed to fetch OAuth2 token." for a code the provider does not know', async () => {
    const { codeVerifier } = await authorize(client(backend.url));
    const error = await failure(client(backend.url).collection('users').authWithOAuth2Code('oidc', 'not-a-code', codeVerifier, redirectURL));
    expect(error.status).toBe(400);
    expect(error.message).toBe('Failed to fetch OAuth2 token.');
  });

  it('answers 400 "Failed to fetch OAuth2 user." when the provider is down', async () => {
    provider.fail('down');
    const error = await failure(signInWithProvider(client(backend.url)));
    expect(error.status).toBe(400);
    expect(error.message).toBe('Failed to fetch OAuth2 user.');
  });

  it('refuses a provider the collection does not have, with validation_invalid_provider', async () => {
    const error = await failure(client(backend.url).collection('users').authWithOAuth2Code('github', 'x', 'y', redirectURL));
    expect(error.status).toBe(400);
    expect(error.response.data.provider.code).toBe('validation_invalid_provider');
  });
});
