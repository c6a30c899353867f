/**
 * Seeded, reproducible fuzzing of what a hostile client controls: the session
 * cookie, form/JSON bodies, paths, and the backend's own inputs. The properties:
 * never a 5xx, the server keeps answering, and a forged token never signs in.
 * Re-run one failure with FUZZ_SEED=<seed printed by fast-check>.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, postForm, startTestApp, type TestApp } from '../helpers/app.js';
import { registerSecret } from '../../support/output-capture.js';

const seed = Number(process.env.FUZZ_SEED ?? 20261124);
const runs = { cookies: 2500, bodies: 2500, paths: 2500, backend: 2500 };
let app: TestApp;
let guest: { id: string; collectionId: string; token: string };

beforeAll(async () => {
  app = await startTestApp({ auth: { anonymous: { trustProxy: true } } });
  const response = await postForm(app, '/', { mode: 'anonymous' }, { 'X-Forwarded-For': '203.0.113.250' });
  const pair = cookieHeader(response).split('; ').find((c) => c.startsWith('pb_auth='))!;
  const session = JSON.parse(decodeURIComponent(pair.slice('pb_auth='.length)));
  guest = { id: session.record.id, collectionId: session.record.collectionId, token: session.token };
  registerSecret(guest.token);
});
afterAll(async () => {
  await app.close();
});

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT for the real guest's id, signed with a key we made up (the attacker cannot know tokenKey + secret). */
function forgedToken(claims: Record<string, unknown>, alg = 'HS256'): string {
  const head = b64url({ alg, typ: 'JWT' });
  const body = b64url({ id: guest.id, collectionId: guest.collectionId, exp: Math.floor(Date.now() / 1000) + 3600, ...claims });
  const signature = alg === 'none' ? '' : createHmac('sha256', randomBytes(16)).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });
const tokenType = fc.constantFrom('auth', 'verification', 'passwordReset', 'emailChange', 'file', 'admin', '');
const tokenLike = fc.oneof(
  fc.record({ type: tokenType, refreshable: fc.boolean() }).map((claims) => forgedToken(claims)),
  tokenType.map((type) => forgedToken({ type }, 'none')),
  fc.constant(null).map(() => `${guest.token.slice(0, -4)}AAAA`),
  fc.constant(null).map(() => forgedToken({ type: 'auth', exp: 1 })),
  printable,
);
const cookieValue = fc.oneof(
  printable,
  fc.string({ maxLength: 200 }).map((s) => encodeURIComponent(s)),
  fc.record({ token: tokenLike, record: fc.record({ id: fc.constant(0).map(() => guest.id), email: printable }) }).map((s) =>
    encodeURIComponent(JSON.stringify(s)),
  ),
  tokenLike.map((token) => encodeURIComponent(JSON.stringify({ token, record: { id: guest.id, anonymous: true } }))),
  fc.json().map((j) => encodeURIComponent(j)),
  fc.integer({ min: 4000, max: 12000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom('%', '%E0%A4%A', '"', '{"token":', '%7B%22token%22%3A1%7D', '\\u0000'),
);

const signedIn = (html: string) => !/data-testid="auth-status">\s*Signed out/.test(html);

describe('fuzzing the running app', () => {
  it('a malformed, forged or hostile pb_auth cookie never gives a 5xx nor a signed-in page', async () => {
    await fc.assert(
      fc.asyncProperty(cookieValue, fc.boolean(), async (value, viaAuthHeader) => {
        const headers: Record<string, string> = viaAuthHeader ? { Authorization: value.slice(0, 2000) } : { Cookie: `pb_auth=${value}` };
        const response = await fetch(`${app.url}/`, { headers });
        const html = await response.text();
        expect(response.status).toBeLessThan(500);
        if (response.status === 200) expect(signedIn(html)).toBe(false);
      }),
      { seed, numRuns: runs.cookies },
    );
  });

  it('random form, multipart and JSON bodies never give a 5xx', async () => {
    const contentType = fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/json',
      'multipart/form-data; boundary=xyz',
      'multipart/form-data',
      'text/plain',
      'application/octet-stream',
    );
    const body = fc.oneof(printable, fc.json(), fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.dictionary(printable, printable).map((d) => new URLSearchParams(d).toString()),
      fc.constant('--xyz\r\nContent-Disposition: form-data; name="mode"\r\n\r\nx\r\n--xyz--\r\n'));
    await fc.assert(
      fc.asyncProperty(contentType, body, fc.constantFrom('/', '/notes', '/account', '/sign-in', '/register', '/sign-out'), async (type, payload, path) => {
        const response = await fetch(app.url + path, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': type, Origin: app.url, 'X-Forwarded-For': '203.0.113.7' },
          body: payload,
        });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
      }),
      { seed, numRuns: runs.bodies },
    );
  });

  it('hostile paths never give a 5xx, never serve a template or private file, never echo markup', async () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '%2e%2e', '%2E%2E%2F', '%2f', '%5c', '%00', '\\', '%', '%zz', '', 'notes', 'assets', 'app.css',
        'index.ejs', '+layout.ejs', '_private', 'field-error.ejs', '<script>alert(1)</script>', '%3Cscript%3E', 'a'.repeat(300)),
      printable.map((s) => encodeURIComponent(s)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 6 }), async (segments) => {
        const path = `/${segments.join('/')}`;
        const response = await fetch(app.url + path, { redirect: 'manual' });
        const text = await response.text();
        expect(response.status).toBeLessThan(500);
        expect(text).not.toContain('<script server>');
        expect(text).not.toContain('<script>alert(1)</script>');
      }),
      { seed, numRuns: runs.paths },
    );
  });
});

describe('fuzzing the embedded backend', () => {
  it('random tokens, filters, sorts and bodies never give a 5xx', async () => {
    const request = fc.record({
      authorization: fc.option(tokenLike, { nil: undefined }),
      filter: fc.option(fc.oneof(printable, fc.constantFrom("id = ''", 'email ~ "%"', "(a = 1", '@request.auth.id != ""', 'x ?= 1 && ')), { nil: undefined }),
      sort: fc.option(fc.oneof(printable, fc.constantFrom('-created', '@random', 'nope', ',,')), { nil: undefined }),
      body: fc.option(fc.oneof(printable, fc.json()), { nil: undefined }),
      path: fc.constantFrom('/api/collections/users/records', '/api/collections/users/auth-refresh', '/api/collections/nope/records',
        '/api/collections/users/auth-with-password', '/api/collections', '/api/health', '/api/../etc/passwd', '/api/collections/users/records/%00'),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ authorization, filter, sort, body, path }) => {
        const url = new URL(app.pocketbaseUrl + path);
        if (filter !== undefined) url.searchParams.set('filter', filter);
        if (sort !== undefined) url.searchParams.set('sort', sort);
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (authorization !== undefined) headers.Authorization = authorization.slice(0, 2000);
        const response = await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, body });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
      }),
      { seed, numRuns: runs.backend },
    );
    const health = await fetch(`${app.pocketbaseUrl}/api/health`);
    expect(health.status).toBe(200);
  });
});
