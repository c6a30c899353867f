/**
 * Record validation and list/auth parameters, against both backends: a record
 * id never changes, the password trio's rules, skipTotal validation, the
 * `fields` excerpt modifier, identity lookup honouring COLLATE NOCASE, and
 * auth-refresh on a collection the token does not belong to.
 */
import type PocketBase from 'pocketbase';
import type { CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, failure, startTestBackend, uniqueEmail, type TestBackend } from '../helpers/backend.js';

let backend: TestBackend;
let admin: PocketBase;
const s = Date.now().toString(36);
const articles = `rv_articles_${s}`;
const nocase = `rv_nocase_${s}`;
const password = 'password-123';

beforeAll(async () => {
  backend = await startTestBackend();
  admin = await backend.admin();
  await admin.collections.import([
    { name: articles, type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', fields: [{ name: 'title', type: 'text' }, { name: 'body', type: 'editor' }] },
    {
      name: nocase, type: 'auth', listRule: '', createRule: '', passwordAuth: { enabled: true, identityFields: ['email', 'username'] },
      fields: [{ name: 'username', type: 'text' }],
      indexes: [`CREATE UNIQUE INDEX idx_username_${s} ON ${nocase} (username COLLATE NOCASE)`],
    },
  ] as unknown as CollectionModel[]);
});

afterAll(async () => {
  for (const name of [articles, nocase]) await admin.collections.delete(name).catch(() => undefined);
  await backend.close();
});

async function signedInUser(): Promise<{ pb: PocketBase; id: string }> {
  const email = uniqueEmail('rv');
  const pb = client(backend.url);
  await pb.collection('users').create({ email, password, passwordConfirm: password });
  const auth = await pb.collection('users').authWithPassword(email, password);
  return { pb, id: auth.record.id };
}

describe('record validation', () => {
  it('changing a record id is refused with validation_pk_change; sending the same id is fine', async () => {
    const guest = client(backend.url);
    const record = await guest.collection(articles).create({ title: 'a' });
    const error = await failure(guest.collection(articles).update(record.id, { id: 'abcdefghijklmno', title: 'b' }));
    expect(error.status).toBe(400);
    expect(error.response.data).toEqual({ id: { code: 'validation_pk_change', message: 'The record primary key cannot be changed.' } });
    expect((await guest.collection(articles).update(record.id, { id: record.id, title: 'c' })).title).toBe('c');
  });

  it('an empty password with a passwordConfirm, or an oldPassword alone, asks for the missing parts', async () => {
    const { pb, id } = await signedInUser();
    const codes = async (body: Record<string, unknown>) =>
      Object.fromEntries(Object.entries((await failure(pb.collection('users').update(id, body))).response.data).map(([k, v]) => [k, (v as { code: string }).code]));
    expect(await codes({ password: '', passwordConfirm: 'new-password-1' })).toEqual({ password: 'validation_required', passwordConfirm: 'validation_values_mismatch', oldPassword: 'validation_required' });
    expect(await codes({ password: '', passwordConfirm: 'new-password-1', oldPassword: password })).toEqual({ password: 'validation_required', passwordConfirm: 'validation_values_mismatch' });
    expect(await codes({ oldPassword: password })).toEqual({ password: 'validation_required', passwordConfirm: 'validation_required' });
    const created = await failure(client(backend.url).collection('users').create({ email: uniqueEmail('rv'), password: '', passwordConfirm: 'x' }));
    expect(Object.keys(created.response.data).sort()).toEqual(['password', 'passwordConfirm']);
  });
});

describe('list and auth parameters', () => {
  it('skipTotal must be a boolean', async () => {
    const guest = client(backend.url);
    for (const skipTotal of ['abc', '2']) {
      expect((await failure(guest.send(`/api/collections/${articles}/records`, { query: { skipTotal } }))).status).toBe(400);
    }
    expect((await guest.send(`/api/collections/${articles}/records`, { query: { skipTotal: 'false', perPage: 1 } })).totalItems).toBeGreaterThan(-1);
  });

  it('fields with :excerpt(max, ellipsis) returns the plain-text start of a value', async () => {
    const guest = client(backend.url);
    const record = await guest.collection(articles).create({ title: 'excerpt', body: '<p>Hello <b>bold</b>   world,</p><script>alert(1)</script><p>second paragraph here</p>' });
    const picked = await guest.collection(articles).getOne(record.id, { fields: 'id,body:excerpt(20,true)' });
    expect(picked).toEqual({ id: record.id, body: 'Hello bold world, se...' });
    const plain = await guest.collection(articles).getOne(record.id, { fields: 'body:excerpt(200)' });
    expect(plain).toEqual({ body: 'Hello bold world, second paragraph here' });
    const listed = await guest.collection(articles).getList(1, 1, { filter: `id = '${record.id}'`, fields: 'title:excerpt(3)' });
    expect(listed.items).toEqual([{ title: 'exc' }]);
  });

  it('an identity field with a COLLATE NOCASE unique index signs in whatever the case; email stays exact', async () => {
    const email = uniqueEmail('Case');
    await client(backend.url).collection(nocase).create({ email, username: `MixedCase${s}`, password, passwordConfirm: password });
    const pb = client(backend.url);
    expect((await pb.collection(nocase).authWithPassword(`mixedcase${s}`.toUpperCase(), password)).record.email).toBe(email);
    expect((await failure(pb.collection(nocase).authWithPassword(email.toUpperCase(), password))).status).toBe(400);
  });

  it('auth-methods of a collection with password login disabled lists no identity fields; sign-in is a 403', async () => {
    const name = `rv_nopw_${s}`;
    await admin.collections.create({ name, type: 'auth', passwordAuth: { enabled: false } });
    try {
      const methods = await client(backend.url).send(`/api/collections/${name}/auth-methods`, {});
      expect(methods.password).toEqual({ identityFields: [], enabled: false });
      expect(methods.emailPassword).toBe(false);
      const error = await failure(client(backend.url).collection(name).authWithPassword('a@b.c', password));
      expect(error.status).toBe(403);
      expect(error.message).toBe('The collection is not configured to allow password authentication.');
      const usual = await client(backend.url).send(`/api/collections/${nocase}/auth-methods`, {});
      expect(usual.password).toEqual({ identityFields: ['email', 'username'], enabled: true });
      expect(usual.usernamePassword).toBe(true);
    } finally {
      await admin.collections.delete(name);
    }
  });

  it('auth-refresh needs a token of that very collection: 401 without, 403 from another, 404 for none', async () => {
    const guest = client(backend.url);
    expect((await failure(guest.send(`/api/collections/${articles}/auth-refresh`, { method: 'POST' }))).status).toBe(401);
    const { pb } = await signedInUser();
    const wrong = await failure(pb.send(`/api/collections/${articles}/auth-refresh`, { method: 'POST' }));
    expect(wrong.status).toBe(403);
    expect(wrong.message).toBe('The request requires auth record from users collection.');
    expect((await failure(pb.send(`/api/collections/nope_${s}/auth-refresh`, { method: 'POST' }))).status).toBe(404);
    expect((await pb.collection('users').authRefresh()).token).toBeTruthy();
  });
});
