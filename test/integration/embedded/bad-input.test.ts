import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBackend, type EmbeddedBackend } from '../../../src/embedded/index.js';
import { client, uniqueEmail } from '../helpers/backend.js';

// These tests are about the embedded backend itself, so they never run against PB_TEST_URL.
const dirs: string[] = [];
let backend: EmbeddedBackend;
async function freshBackend(options: { bodyLimit?: number; dir?: string } = {}): Promise<EmbeddedBackend & { dir: string }> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'pbpages-embedded-')));
  dirs.push(dir);
  return { ...(await startEmbeddedBackend({ dir, port: 0, ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}) })), dir };
}
beforeAll(async () => {
  backend = await freshBackend();
});
afterAll(async () => {
  await backend.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: { status?: number; message?: string; data?: unknown } }> {
  const response = await fetch(backend.url + path, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('bad input to the embedded backend', () => {
  it('answers malformed JSON with 400 in the PocketBase envelope', async () => {
    const { status, body } = await call('/api/collections/users/records', json('{"email": '));
    expect(status).toBe(400);
    // PocketBase's record form loader answers with its generic 400; the other endpoints name the body.
    expect(body).toEqual({ data: {}, message: 'Something went wrong while processing your request.', status: 400 });
    expect((await call('/api/collections/users/auth-with-password', json('[1,2]'))).body).toEqual({ data: {}, message: 'An error occurred while loading the submitted data.', status: 400 });
  });

  it('refuses JSON nested deeper than PocketBase allows (10,000) with its plain 400, logging no stack', async () => {
    const logs: string[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'pbpages-embedded-'));
    dirs.push(dir);
    const logged = await startEmbeddedBackend({ dir, port: 0, log: (line) => logs.push(line) });
    try {
      const nested = (depth: number) => `{"email":"${uniqueEmail('deep')}","password":"password-123","passwordConfirm":"password-123","name":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      for (const depth of [10_001, 1_000_000]) {
        const response = await fetch(`${logged.url}/api/collections/users/records`, json(nested(depth)));
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ data: {}, message: 'Something went wrong while processing your request.', status: 400 });
      }
      const form = new FormData();
      form.append('@jsonPayload', `{"name":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
      expect((await fetch(`${logged.url}/api/collections/users/records`, { method: 'POST', body: form })).status).toBe(400);
      const allowed = await fetch(`${logged.url}/api/collections/users/records`, json(nested(9_000)));
      expect(((await allowed.json()) as { message: string }).message).not.toBe('Something went wrong while processing your request.');
      // Brackets inside strings are text, not nesting (an unknown field is ignored, as in PocketBase).
      const inString = JSON.stringify({ email: uniqueEmail('deep'), password: 'password-123', passwordConfirm: 'password-123', note: '[{"\\'.repeat(20_000) });
      expect((await fetch(`${logged.url}/api/collections/users/records`, json(inString))).status).toBe(200);
      expect(logs.filter((line) => /RangeError|\n\s+at /.test(line))).toEqual([]);
    } finally {
      await logged.close();
    }
  });

  it('refuses an oversized body with 413 and keeps serving', async () => {
    const small = await freshBackend({ bodyLimit: 1024 });
    try {
      const response = await fetch(`${small.url}/api/collections/users/records`, json(JSON.stringify({ email: 'x'.repeat(5000) })));
      expect(response.status).toBe(413);
      expect((await fetch(`${small.url}/api/health`)).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('answers unknown collections and routes with 404', async () => {
    expect((await call('/api/collections/nope/records')).body.message).toBe('Missing collection context.');
    expect((await call('/api/nothing/here')).status).toBe(404);
    expect((await call('/api/collections/users/records/%ZZ')).status).toBe(404);
  });

  it('answers a bad filter with 400, never 500', async () => {
    for (const filter of ['(', 'id =', '"unterminated', 'id = 1 &&', 'x'.repeat(4000), 'id ?= @collection.users.id']) {
      const { status } = await call(`/api/collections/users/records?filter=${encodeURIComponent(filter)}`);
      expect([400, 403]).toContain(status);
    }
  });

  it('treats forged, expired, alg-none and wrong-type tokens as a guest', async () => {
    const email = uniqueEmail();
    const pb = client(backend.url);
    const record = await pb.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    const head = b64({ alg: 'HS256', typ: 'JWT' });
    const claims = { id: record.id, collectionId: '_pb_users_auth_', refreshable: true };
    const forge = (payload: object, key = 'guessed-key', header = head) => {
      const body = `${header}.${b64(payload)}`;
      return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
    };
    const tokens = [
      forge({ ...claims, type: 'auth', exp: Math.floor(Date.now() / 1000) + 3600 }),
      forge({ ...claims, type: 'auth', exp: 1 }),
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, type: 'auth', exp: 9999999999 })}.`,
      forge({ ...claims, type: 'verification', email, exp: Math.floor(Date.now() / 1000) + 3600 }),
      'eyJ.garbage.token',
    ];
    for (const token of tokens) {
      const view = await call(`/api/collections/users/records/${record.id}`, { headers: { Authorization: token } });
      expect(view.status).toBe(404);
      const refresh = await call('/api/collections/users/auth-refresh', { method: 'POST', headers: { Authorization: token } });
      expect(refresh.status).toBe(401);
    }
  });

  it('keeps acknowledged writes across a restart on the same data dir', async () => {
    const first = await freshBackend();
    const dir = first.dir;
    const email = uniqueEmail();
    const created = await client(first.url).collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    await first.close();
    const second = await freshBackend({ dir });
    try {
      const auth = await client(second.url).collection('users').authWithPassword(email, 'password-123');
      expect(auth.record.id).toBe(created.id);
    } finally {
      await second.close();
    }
  });
});
