/**
 * The auth extension through its public interface with no backend listening:
 * everything decided before the backend is asked, and the "backend down" rules.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import type { UserConfig } from '../../../src/config.js';
import { createAuthExtension } from '../../../src/auth/extension.js';
import type { AuthContext } from '../../../src/auth/extension.js';
import type { CookieOptions, ExtensionContext } from '../../../src/pages/extension.js';

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}

function token(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

function context(method: string, headers: Record<string, string> = {}) {
  const cookies: { name: string; value: string; options: CookieOptions | undefined }[] = [];
  const ctx: ExtensionContext = {
    request: {
      method,
      url: '/',
      headers: { host: 'app.test', ...headers },
      cookies: () => Object.fromEntries((headers['cookie'] ?? '').split('; ').filter(Boolean).map((pair) => pair.split('=') as [string, string])),
      remoteAddress: '127.0.0.1',
      secure: false,
    },
    response: { cookie: (name, value, options) => cookies.push({ name, value, options }), header: () => undefined },
  };
  return { ctx, cookies, page: ctx as unknown as AuthContext };
}

async function extension(user: UserConfig = {}) {
  return createAuthExtension({ config: resolveConfig(user), pocketbaseUrl: await closedPortUrl(), log: () => undefined });
}

const future = Math.floor(Date.now() / 1000) + 3600;
const cookieOf = (t: string) => `pb_auth=${encodeURIComponent(JSON.stringify({ token: t, record: { id: 'x', anonymous: false } }))}`;

describe('auth extension without a reachable backend', () => {
  it('renders signed out but keeps the cookie when the backend is down', async () => {
    const ext = await extension();
    const { ctx, cookies, page } = context('GET', { cookie: cookieOf(token({ type: 'auth', id: 'x', collectionId: 'c', exp: future })) });
    await ext.extend(ctx);
    expect(page.auth).toBeUndefined();
    expect(ctx.request['auth' as keyof typeof ctx.request]).toBeUndefined();
    expect(cookies).toEqual([]);
    ext.close();
  });

  it('clears a cookie that is not JSON, without asking the backend', async () => {
    const ext = await extension();
    const { ctx, cookies, page } = context('GET', { cookie: 'pb_auth=%7Bnot-json' });
    await ext.extend(ctx);
    expect(page.auth).toBeUndefined();
    expect(cookies).toMatchObject([{ name: 'pb_auth', value: '', options: { maxAge: 0 } }]);
  });

  it('clears an expired token and one that is not an auth token', async () => {
    const ext = await extension();
    for (const claims of [
      { type: 'auth', id: 'x', collectionId: 'c', exp: 1000 },
      { type: 'file', id: 'x', collectionId: 'c', exp: future },
    ]) {
      const { ctx, cookies, page } = context('GET', { cookie: cookieOf(token(claims)) });
      await ext.extend(ctx);
      expect(page.auth).toBeUndefined();
      expect(cookies).toHaveLength(1);
    }
  });

  it('refuses a cross-origin POST with status 403 before anything else', async () => {
    const ext = await extension();
    const { ctx } = context('POST', { origin: 'https://evil.test' });
    await expect(ext.extend(ctx)).rejects.toMatchObject({ status: 403 });
  });

  it('refuses guest creation on GET with method_not_allowed 405', async () => {
    const ext = await extension();
    const { ctx, page } = context('GET');
    await ext.extend(ctx);
    await expect(page.signInAnonymously()).rejects.toMatchObject({ code: 'method_not_allowed', status: 405 });
  });

  it('refuses guest creation when disabled, whatever the method', async () => {
    const ext = await extension({ auth: { anonymous: { enabled: false } } });
    const { ctx, page } = context('POST');
    await ext.extend(ctx);
    await expect(page.signInAnonymously()).rejects.toMatchObject({ code: 'anonymous_disabled', status: 403 });
  });

  it('refuses system collections with collection_forbidden', async () => {
    const ext = await extension();
    const { ctx, page } = context('POST');
    await ext.extend(ctx);
    await expect(page.signInAnonymously('_superusers')).rejects.toMatchObject({ code: 'collection_forbidden', status: 403 });
  });

  it('reports backend_unavailable 503 when a guest cannot be created', async () => {
    const ext = await extension();
    const { ctx, page } = context('POST');
    await ext.extend(ctx);
    await expect(page.signInAnonymously()).rejects.toMatchObject({ code: 'backend_unavailable', status: 503 });
  });

  it('refuses to link when nobody is signed in', async () => {
    const ext = await extension();
    const { ctx, page } = context('POST');
    await ext.extend(ctx);
    await expect(page.linkWithPassword('a@b.co', 'password123')).rejects.toMatchObject({ code: 'not_signed_in' });
  });
});
