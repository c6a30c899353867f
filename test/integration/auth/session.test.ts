import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, startApp, startBackend } from './harness.js';
import type { App, Backend, Route } from './harness.js';
import { setUp } from './setup-schema.js';

const routes: Record<string, Route> = {
  '/guest': async (page) => (await page.signInAnonymously()).record,
  '/me': async (page) => ({ requestAuthId: (page.request as { auth?: { id: string } }).auth?.id ?? null }),
  '/notes': async (page) => (await page.pb.collection('users').getOne(page.auth!.id)).id,
};

let backend: Backend;
const apps: App[] = [];
async function app(config = {}) {
  const started = await startApp({ backend, routes, config });
  apps.push(started);
  return started;
}

beforeAll(async () => {
  backend = await startBackend();
  await setUp(backend);
});

afterAll(async () => {
  for (const started of apps) await started.close();
  await backend.close();
});

function cookieHeader(token: string, record: object): string {
  return `pb_auth=${encodeURIComponent(JSON.stringify({ token, record }))}`;
}

function withPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [head, body, signature] = token.split('.');
  const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
  change(payload);
  return `${head}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe('session from the pb_auth cookie', () => {
  it('sets auth and request.auth from a token the backend accepted, and pb acts as the visitor', async () => {
    const browser = new Browser((await app()).url);
    const guest = await browser.post('/guest');
    const me = await browser.get('/me');
    expect(me.body.result.requestAuthId).toBe(guest.body.auth?.['id']);
    const notes = await browser.get('/notes');
    expect(notes.body.result).toBe(guest.body.auth?.['id']);
  });

  it('uses the record the backend returned, never the record JSON in the cookie', async () => {
    const browser = new Browser((await app()).url);
    const guest = await browser.post('/guest');
    const forged = await new Browser(browser.baseUrl).get('/me', {
      cookie: cookieHeader(browser.token(), { id: 'someoneelse1234', anonymous: false, email: 'boss@x.io' }),
    });
    expect(forged.body.auth?.['id']).toBe(guest.body.auth?.['id']);
    expect(forged.body.auth?.['email']).toBe(guest.body.auth?.['email']);
  });

  it('signs out and clears the cookie for a tampered, expired or forged token', async () => {
    const browser = new Browser((await app()).url);
    await browser.post('/guest');
    const token = browser.token();
    const tampered = `${token.slice(0, -3)}${token.endsWith('aaa') ? 'bbb' : 'aaa'}`;
    const expired = withPayload(token, (p) => (p['exp'] = 1000));
    const otherId = withPayload(token, (p) => (p['id'] = 'aaaaaaaaaaaaaaa'));
    for (const bad of [tampered, expired, otherId, 'not-a-jwt']) {
      const reply = await new Browser(browser.baseUrl).get('/me', { cookie: cookieHeader(bad, { id: 'x' }) });
      expect(reply.status).toBe(200);
      expect(reply.body.auth).toBeNull();
      expect(reply.setCookies.some((line) => /^pb_auth=;/.test(line) && /Max-Age=0/i.test(line))).toBe(true);
    }
  });

  it('refreshes a token near expiry and re-issues the cookie', async () => {
    const browser = new Browser((await app({ auth: { refreshWithinSeconds: 30 * 86400, verifyCacheSeconds: 0 } })).url);
    await browser.post('/guest');
    const before = browser.token();
    await new Promise((done) => setTimeout(done, 1100)); // a new exp needs a later second
    const reply = await browser.get('/me');
    expect(reply.body.auth).not.toBeNull();
    expect(reply.setCookies.some((line) => line.startsWith('pb_auth='))).toBe(true);
    expect(browser.token()).not.toBe(before);
    const again = await new PocketBase(backend.url).collection('users').authRefresh({ headers: { Authorization: browser.token() } });
    expect(again.record.id).toBe(reply.body.auth?.['id']);
  });

  it('does not re-issue the cookie for a token far from expiry', async () => {
    const browser = new Browser((await app()).url);
    await browser.post('/guest');
    const reply = await browser.get('/me');
    expect(reply.setCookies).toEqual([]);
  });

  it('survives the backend going down: renders signed out, keeps the cookie, and the session returns', async () => {
    const browser = new Browser((await app({ auth: { verifyCacheSeconds: 0 } })).url);
    const guest = await browser.post('/guest');
    const token = browser.token();
    await backend.stop();
    try {
      const down = await browser.get('/me');
      expect(down.status).toBe(200);
      expect(down.body.auth).toBeNull();
      expect(down.setCookies).toEqual([]);
      expect(browser.token()).toBe(token);
      const create = await new Browser(browser.baseUrl).post('/guest');
      expect(create.status).toBe(503);
      expect(create.body.code).toBe('backend_unavailable');
    } finally {
      await backend.restart();
    }
    const back = await browser.get('/me');
    expect(back.body.auth?.['id']).toBe(guest.body.auth?.['id']);
  });

  it('accepts the token from an Authorization header', async () => {
    const browser = new Browser((await app()).url);
    const guest = await browser.post('/guest');
    const reply = await new Browser(browser.baseUrl).get('/me', { authorization: browser.token() });
    expect(reply.body.auth?.['id']).toBe(guest.body.auth?.['id']);
  });
});
