/**
 * The embedded backend answers as the real PocketBase does: the same requests
 * go to both, side by side, and the answers (status and JSON body, with ids,
 * dates and tokens replaced by placeholders) must be equal. Where they differ,
 * the real server is right. Runs only where the real server is installed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagedPocketBase } from '../../../src/cli/managed-backend.js';
import { startEmbeddedBackend } from '../../../src/embedded/index.js';
import { requiredPocketbaseBinary } from '../../support/backend-kind.js';
import { recordOutput, registerSecret } from '../../support/output-capture.js';

const superuser = { email: 'root@pbpages.test', password: 'differential-superuser-pw' };
registerSecret(superuser.password);

interface Side {
  url: string;
  dir: string;
  close(): Promise<void>;
  /** Tokens by role, filled by the scenarios that sign in. */
  tokens: Record<string, string>;
}
let real: Side;
let embedded: Side;

async function side(kind: 'real' | 'embedded'): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), `pbpages-diff-${kind}-`));
  const log = (line: string) => recordOutput(line);
  const server =
    kind === 'real'
      ? await startManagedPocketBase({ bin: requiredPocketbaseBinary(), dir, host: '127.0.0.1', port: 0, superuser, migrationsDir: join(dir, 'migrations'), log })
      : await startEmbeddedBackend({ dir, host: '127.0.0.1', port: 0, superuser, log });
  return { url: server.url, dir, tokens: {}, close: async () => (await server.close(), await rm(dir, { recursive: true, force: true })) };
}

beforeAll(async () => {
  [real, embedded] = await Promise.all([side('real'), side('embedded')]);
  for (const s of [real, embedded]) {
    s.tokens.superuser = (await call(s, 'POST', '/api/collections/_superusers/auth-with-password', { body: { identity: superuser.email, password: superuser.password } })).body.token;
    await call(s, 'POST', '/api/collections', {
      as: 'superuser',
      body: {
        name: 'posts', type: 'base', listRule: '', viewRule: '', createRule: '@request.auth.id != ""', updateRule: 'author = @request.auth.id', deleteRule: null,
        fields: [
          { name: 'title', type: 'text', required: true, max: 20 },
          { name: 'views', type: 'number', onlyInt: true, min: 0 },
          { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
          { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
          { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
        ],
      },
    });
  }
});
afterAll(async () => {
  await Promise.all([real?.close(), embedded?.close()]);
});

async function call(s: Side, method: string, path: string, options: { body?: unknown; raw?: string; as?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.as) headers.Authorization = s.tokens[options.as] ?? '';
  let body: string | undefined;
  if (options.raw !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = options.raw;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(s.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let json: any = text;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // keep the text
  }
  return { status: response.status, body: json };
}

/** Ids, dates and tokens differ between two servers by nature; everything else must not. */
function normalize(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/^[a-z0-9]{15}$/.test(value) && value !== 'validation_pk_change') return '<id>';
    if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) return '<date>';
    if (/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(value)) return '<token>';
    if (/^(user|twin)-\d+@pbpages\.test$/.test(value)) return value.replace(/\d+/, 'N');
    return value;
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

let n = 0;
type Step = (s: Side, email: string) => Promise<{ status: number; body: any }>;

/** Runs the step on both servers (the same unique email on each) and compares the answers. */
async function same(step: Step): Promise<unknown> {
  const email = `user-${n++}@pbpages.test`;
  const [fromReal, fromEmbedded] = await Promise.all([step(real, email), step(embedded, email)]);
  expect(normalize(fromEmbedded), 'embedded backend (left) vs real PocketBase (right)').toEqual(normalize(fromReal));
  return fromReal;
}

const signUp = (s: Side, email: string, extra: Record<string, unknown> = {}) =>
  call(s, 'POST', '/api/collections/users/records', { body: { email, password: 'password-123', passwordConfirm: 'password-123', ...extra } });
async function signIn(s: Side, email: string, role: string) {
  await signUp(s, email);
  const auth = await call(s, 'POST', '/api/collections/users/auth-with-password', { body: { identity: email, password: 'password-123' } });
  s.tokens[role] = auth.body.token;
  return auth;
}

describe('the embedded backend and the real PocketBase give the same answers', () => {
  it.each([
    ['health', 'GET', '/api/health'],
    ['an unknown API route', 'GET', '/api/nope'],
    ['an unknown collection', 'GET', '/api/collections/nope/records'],
    ['an unknown record', 'GET', '/api/collections/posts/records/aaaaaaaaaaaaaaa'],
    ['the users list, signed out', 'GET', '/api/collections/users/records'],
    ['an empty public list', 'GET', '/api/collections/posts/records?perPage=5'],
    ['a list with skipTotal', 'GET', '/api/collections/posts/records?skipTotal=1'],
    ['a bad filter', 'GET', "/api/collections/posts/records?filter=title%20%3D%3D%20'x"],
    ['a filter on an unknown field', 'GET', "/api/collections/posts/records?filter=nope%20%3D%201"],
    ['a sort on an unknown field', 'GET', '/api/collections/posts/records?sort=-nope'],
    ['perPage over the limit', 'GET', '/api/collections/posts/records?perPage=5000'],
    ['a page that is not a number', 'GET', '/api/collections/posts/records?page=abc'],
    ['collections, signed out', 'GET', '/api/collections'],
    ['superusers, signed out', 'GET', '/api/collections/_superusers/records'],
    ['auth-refresh, signed out', 'POST', '/api/collections/users/auth-refresh'],
    ['auth-methods of users', 'GET', '/api/collections/users/auth-methods'],
    ['auth-methods of a base collection', 'GET', '/api/collections/posts/auth-methods'],
    ['impersonate, signed out', 'POST', '/api/collections/users/impersonate/aaaaaaaaaaaaaaa'],
  ])('%s', async (_, method, path) => {
    await same((s) => call(s, method, path));
  });

  it('sign-up: the record, and each validation error', async () => {
    await same((s, email) => signUp(s, email));
    await same((s) => call(s, 'POST', '/api/collections/users/records', { body: {} }));
    await same((s, email) => call(s, 'POST', '/api/collections/users/records', { body: { email, password: 'short', passwordConfirm: 'other' } }));
    await same((s) => call(s, 'POST', '/api/collections/users/records', { body: { email: 'not-an-email', password: 'password-123', passwordConfirm: 'password-123' } }));
    await same(async (s, email) => (await signUp(s, email), signUp(s, email)));
    await same((s) => call(s, 'POST', '/api/collections/users/records', { raw: '{"email": ' }));
  });

  it('password sign-in, refresh and a wrong password', async () => {
    await same((s, email) => signIn(s, email, 'alice'));
    await same((s) => call(s, 'POST', '/api/collections/users/auth-refresh', { as: 'alice' }));
    await same(async (s, email) => (await signUp(s, email), call(s, 'POST', '/api/collections/users/auth-with-password', { body: { identity: email, password: 'wrong-password' } })));
    await same((s) => call(s, 'POST', '/api/collections/users/auth-with-password', { body: { identity: 'nobody@pbpages.test', password: 'x' } }));
    await same((s) => call(s, 'POST', '/api/collections/users/auth-with-password', { body: {} }));
    await same((s) => call(s, 'POST', '/api/collections/users/auth-refresh', { as: 'superuser' }));
    await same((s) => call(s, 'GET', '/api/collections', { as: 'alice' }));
  });

  it('tokens carry the same claims, and records the same fields to their owner', async () => {
    const claims = (token: string) => {
      const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
      return { header, claims: Object.keys(payload).sort(), type: payload.type, refreshable: payload.refreshable, lifetime: Number(payload.exp) - Math.round(Date.now() / 1000) };
    };
    const fromBoth = async (step: Step) => {
      const email = `twin-${n++}@pbpages.test`;
      return Promise.all([step(real, email), step(embedded, email)]);
    };
    const [a, b] = await fromBoth((s, email) => signIn(s, email, 'claims'));
    const [ca, cb] = [claims(a.body.token), claims(b.body.token)];
    expect(Math.abs(ca.lifetime - cb.lifetime)).toBeLessThan(30);
    expect({ ...cb, lifetime: 0 }).toEqual({ ...ca, lifetime: 0 });
    await same((s) => call(s, 'GET', `/api/collections/users/records?fields=email,emailVisibility,verified,name,avatar`, { as: 'claims' }));
    await same((s) => call(s, 'POST', '/api/collections/users/request-verification', { body: { email: 'nobody@pbpages.test' } }));
    await same((s) => call(s, 'POST', '/api/collections/users/request-password-reset', { body: { email: 'bad' } }));
    await same((s) => call(s, 'POST', '/api/collections/users/confirm-verification', { body: { token: 'not-a-token' } }));
    await same((s) => call(s, 'POST', '/api/collections/users/confirm-password-reset', { body: { token: 'x', password: 'new-password-1', passwordConfirm: 'other' } }));
  });

  it('records: create, validation, rules, update and delete', async () => {
    await same((s, email) => signIn(s, email, 'writer'));
    await same((s, email) => signIn(s, email, 'other'));
    const writerId = async (s: Side) => (await call(s, 'POST', '/api/collections/users/auth-refresh', { as: 'writer' })).body.record.id as string;
    await same((s) => call(s, 'POST', '/api/collections/posts/records', { body: { title: 'anonymous' } }));
    await same(async (s) => call(s, 'POST', '/api/collections/posts/records', { as: 'writer', body: { title: 'x'.repeat(21), views: -1.5, tags: ['a', 'z'] } }));
    await same(async (s) => call(s, 'POST', '/api/collections/posts/records', { as: 'writer', body: { title: 'first', views: 3, tags: ['b', 'a'], author: await writerId(s) } }));
    await same((s) => call(s, 'GET', '/api/collections/posts/records?sort=-views&fields=title,views,tags'));
    const postId = async (s: Side) => (await call(s, 'GET', '/api/collections/posts/records?perPage=1')).body.items[0].id as string;
    await same(async (s) => call(s, 'PATCH', `/api/collections/posts/records/${await postId(s)}`, { as: 'other', body: { title: 'stolen' } }));
    await same(async (s) => call(s, 'PATCH', `/api/collections/posts/records/${await postId(s)}`, { as: 'writer', body: { 'views+': 2, 'tags-': 'a' } }));
    await same(async (s) => call(s, 'DELETE', `/api/collections/posts/records/${await postId(s)}`, { as: 'writer' }));
    await same(async (s) => call(s, 'GET', `/api/collections/posts/records/${await postId(s)}?expand=author&fields=title,expand`));
  });

  it("changing a record's id is refused", async () => {
    const postId = async (s: Side) => (await call(s, 'GET', '/api/collections/posts/records?perPage=1')).body.items[0].id as string;
    await same(async (s) => call(s, 'PATCH', `/api/collections/posts/records/${await postId(s)}`, { as: 'superuser', body: { id: 'bbbbbbbbbbbbbbb' } }));
  });

  it('a multiple select compared without a modifier', async () => {
    await same((s) => call(s, 'GET', "/api/collections/posts/records?filter=tags%20%3F%3D%20'b'&fields=title"));
    await same((s) => call(s, 'GET', "/api/collections/posts/records?filter=tags%20~%20'b'&fields=title"));
  });

  it('a collection name that is taken is refused, not merged', async () => {
    await same((s) => call(s, 'POST', '/api/collections', { as: 'superuser', body: { name: 'posts', type: 'base' } }));
  });

  it('collections API: create errors and views', async () => {
    await same((s) => call(s, 'POST', '/api/collections', { as: 'superuser', body: { name: 'bad name!', type: 'base' } }));
    await same((s) => call(s, 'POST', '/api/collections', { as: 'superuser', body: { name: 'weird', type: 'nope' } }));
    await same((s) => call(s, 'GET', '/api/collections/nope', { as: 'superuser' }));
    await same((s) => call(s, 'DELETE', '/api/collections/users', { as: 'superuser' }));
  });
});
