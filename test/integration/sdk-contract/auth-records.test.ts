import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestBackend, uniqueEmail, type TestBackend, failure } from '../helpers/backend.js';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(async () => {
  await backend.close();
});

async function signUp(email = uniqueEmail(), password = 'password-123') {
  const pb = client(backend.url);
  const record = await pb.collection('users').create({ email, password, passwordConfirm: password });
  return { pb, record, email, password };
}

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('auth records through the SDK', () => {
  it('signs up with 200, hiding the email and never returning password or tokenKey', async () => {
    const { record } = await signUp();
    expect(record.id).toMatch(/^[a-z0-9]{15}$/);
    expect(record.collectionName).toBe('users');
    expect(record).not.toHaveProperty('email');
    expect(record).not.toHaveProperty('password');
    expect(record).not.toHaveProperty('tokenKey');
    expect(record.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(record.verified).toBe(false);
  });

  it('shows the email in the create response when emailVisibility is sent', async () => {
    const email = uniqueEmail();
    const record = await client(backend.url).collection('users').create({ email, emailVisibility: true, password: 'password-123', passwordConfirm: 'password-123' });
    expect(record.email).toBe(email);
  });

  it('refuses a duplicate email with validation_not_unique', async () => {
    const { email } = await signUp();
    const error = await failure(signUp(email));
    expect(error.status).toBe(400);
    expect(error.message).toBe('Failed to create record.');
    expect(error.response.data.email.code).toBe('validation_not_unique');
  });

  it('refuses a short password with validation_min_text_constraint', async () => {
    const error = await failure(signUp(uniqueEmail(), 'short'));
    expect(error.response.data.password.code).toBe('validation_min_text_constraint');
  });

  it('refuses a password over 72 UTF-8 bytes, even under 71 characters, instead of letting bcrypt drop its tail', async () => {
    const fits = '\u{1F600}'.repeat(18); // 18 characters, 72 bytes
    await signUp(uniqueEmail(), fits);
    const admin = await backend.admin();
    for (const tooLong of [`${fits}x`, 'a'.repeat(73)]) {
      const error = await failure(signUp(uniqueEmail(), tooLong));
      expect(error.status).toBe(400);
      expect(error.message).toBe('Failed to create record.');
      const asSuperuser = await failure(admin.collection('users').create({ email: uniqueEmail(), password: tooLong, passwordConfirm: tooLong }));
      expect(asSuperuser.response.data.password.code).toBe('validation_invalid_value');
    }
  });

  it('reports only the mismatched confirm when the email is also bad (form checks first)', async () => {
    const error = await failure(client(backend.url).collection('users').create({ email: 'not-an-email', password: 'password-123', passwordConfirm: 'other-password' }));
    expect(Object.keys(error.response.data)).toEqual(['passwordConfirm']);
    expect(error.response.data.passwordConfirm.code).toBe('validation_values_mismatch');
    const next = await failure(client(backend.url).collection('users').create({ email: 'not-an-email', password: 'password-123', passwordConfirm: 'password-123' }));
    expect(next.response.data.email.code).toBe('validation_is_email');
  });

  it('logs in with an HS256 token carrying PocketBase claims, and shows the own email', async () => {
    const { pb, email, password, record } = await signUp();
    const auth = await pb.collection('users').authWithPassword(email, password);
    expect(auth.record.email).toBe(email);
    expect(JSON.parse(Buffer.from(auth.token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const payload = claims(auth.token);
    expect(payload).toMatchObject({ type: 'auth', id: record.id, collectionId: '_pb_users_auth_', refreshable: true });
    expect(payload.exp).toBeGreaterThan(Date.now() / 1000 + 432000 - 60);
    expect(payload).not.toHaveProperty('iat');
    expect(pb.authStore.isValid).toBe(true);
  });

  it('answers a wrong password or unknown identity with 400 "Failed to authenticate."', async () => {
    const { email } = await signUp();
    for (const attempt of [() => client(backend.url).collection('users').authWithPassword(email, 'wrong-password'), () => client(backend.url).collection('users').authWithPassword(uniqueEmail(), 'x')]) {
      const error = await failure(attempt());
      expect(error.status).toBe(400);
      expect(error.message).toBe('Failed to authenticate.');
      expect(error.response.data).toEqual({});
    }
  });

  it('refreshes a token; another collection\'s token is a 403, none a 401', async () => {
    const { pb, email, password } = await signUp();
    await pb.collection('users').authWithPassword(email, password);
    const refreshed = await pb.collection('users').authRefresh();
    expect(refreshed.record.email).toBe(email);
    expect(claims(refreshed.token).type).toBe('auth');
    expect((await failure(client(backend.url).collection('users').authRefresh())).status).toBe(401);
    const admin = await backend.admin();
    const crossed = client(backend.url);
    crossed.authStore.save(admin.authStore.token, null);
    const error = await failure(crossed.collection('users').authRefresh());
    expect(error.status).toBe(403);
    expect(error.message).toBe('The request requires auth record from _superusers collection.');
  });

  it('refuses the old token after a password change', async () => {
    const { pb, email, password, record } = await signUp();
    await pb.collection('users').authWithPassword(email, password);
    const oldToken = pb.authStore.token;
    const missingOld = await failure(pb.collection('users').update(record.id, { password: 'new-password-1', passwordConfirm: 'new-password-1' }));
    expect(missingOld.response.data.oldPassword.code).toBe('validation_required');
    await pb.collection('users').update(record.id, { oldPassword: password, password: 'new-password-1', passwordConfirm: 'new-password-1' });
    const stale = client(backend.url);
    stale.authStore.save(oldToken, null);
    expect((await failure(stale.collection('users').authRefresh())).status).toBe(401);
    await client(backend.url).collection('users').authWithPassword(email, 'new-password-1');
  });

  it('ends every session of a record when a superuser gives it a new tokenKey', async () => {
    const { pb, email, password, record } = await signUp();
    await pb.collection('users').authWithPassword(email, password);
    const admin = await backend.admin();
    await admin.collection('users').update(record.id, { tokenKey: randomBytes(30).toString('base64url') });
    expect((await failure(pb.collection('users').authRefresh())).status).toBe(401);
    await client(backend.url).collection('users').authWithPassword(email, password);
  });

  it('lists the password auth method', async () => {
    const methods = await client(backend.url).collection('users').listAuthMethods();
    expect(methods.password).toEqual({ identityFields: ['email'], enabled: true });
    expect(methods.oauth2.enabled).toBe(false);
  });

  it('lets a superuser impersonate with a non-refreshable token, and nobody else', async () => {
    const { record } = await signUp();
    const admin = await backend.admin();
    const impersonated = await admin.collection('users').impersonate(record.id, 3600);
    expect(claims(impersonated.authStore.token)).toMatchObject({ id: record.id, refreshable: false });
    expect((await failure(client(backend.url).collection('users').impersonate(record.id, 0))).status).toBe(401);
  });

  it('accepts "Bearer <token>" and treats a garbage token as a guest', async () => {
    const { pb, email, password, record } = await signUp();
    await pb.collection('users').authWithPassword(email, password);
    const bearer = await fetch(`${backend.url}/api/collections/users/records/${record.id}`, { headers: { Authorization: `Bearer ${pb.authStore.token}` } });
    expect(bearer.status).toBe(200);
    const garbage = await fetch(`${backend.url}/api/collections/users/records`, { headers: { Authorization: 'not.a.token' } });
    expect(garbage.status).toBe(200);
    expect(((await garbage.json()) as { items: unknown[] }).items).toEqual([]);
  });

  // PB_TEST_URL points at a server whose mail we cannot read; the suite's own backends we can.
  it.skipIf(Boolean(process.env.PB_TEST_URL))('verifies an email and resets a password through mailed tokens', async () => {
    const { email, password, record } = await signUp();
    const pb = client(backend.url);
    await pb.collection('users').requestVerification(email);
    const verification = await backend.mailbox!.token(email, 'verification');
    await pb.collection('users').confirmVerification(verification);
    const admin = await backend.admin();
    expect((await admin.collection('users').getOne(record.id)).verified).toBe(true);
    const reused = await failure(pb.collection('users').confirmPasswordReset(verification, 'x-password-1', 'x-password-1'));
    expect(reused.response.data.token.code).toBe('validation_invalid_token');

    await pb.collection('users').requestPasswordReset(email);
    const reset = await backend.mailbox!.token(email, 'passwordReset');
    await pb.collection('users').confirmPasswordReset(reset, 'reset-password-1', 'reset-password-1');
    expect((await failure(pb.collection('users').authWithPassword(email, password))).status).toBe(400);
    await pb.collection('users').authWithPassword(email, 'reset-password-1');
  });

  it('reports unknown collections with PocketBase\'s messages', async () => {
    const pb = client(backend.url);
    expect((await failure(pb.collection('nope').getList())).message).toBe('Missing collection context.');
    expect((await failure(pb.collection('nope').create({}))).message).toBe('Missing or invalid collection context.');
    expect((await failure(pb.collection('nope').authWithPassword('a@b.co', 'x'))).status).toBe(404);
  });

  it('answers the health check', async () => {
    const health = await client(backend.url).health.check();
    expect(health).toMatchObject({ code: 200, message: 'API is healthy.' });
  });
});
