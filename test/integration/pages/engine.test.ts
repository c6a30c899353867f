import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import type { PageExtension } from '../../../src/pages/extension.js';
import { startApp, type RunningApp } from '../../../src/server/app.js';

const root = resolve(import.meta.dirname, '../../fixtures/apps/demo');
const logs: string[] = [];
let app: RunningApp;
let dev: RunningApp;

beforeAll(async () => {
  app = await startApp({ root, config: resolveConfig({ port: 0, bodyLimit: 2048 }), log: (l) => logs.push(l) });
  dev = await startApp({ root, config: resolveConfig({ port: 0 }), dev: true, log: () => {} });
});
afterAll(async () => {
  await app.close();
  await dev.close();
});

const get = (path: string, init: RequestInit = {}, base = app) => fetch(base.url + path, { redirect: 'manual', ...init });
const text = async (path: string, init: RequestInit = {}) => (await get(path, init)).text();

describe('pages over HTTP', () => {
  it('wraps a page in its layout, fills named slots, renders partials escaped', async () => {
    const html = await text('/');
    expect(html).toContain('<title>Home</title>');
    expect(html).toContain('<main><h1>Hello &lt;Ada&gt;</h1>');
    expect(html).toContain('<aside>side note');
  });

  it('runs TypeScript middleware root to leaf, then +load, and nests layouts innermost first', async () => {
    const html = await text('/admin');
    expect(html).toContain('<main><section class="admin"><p>trail=root,admin loaded=yes</p>');
  });

  it('lets middleware answer early with a redirect or JSON', async () => {
    const guarded = await get('/guarded');
    expect(guarded.status).toBe(303);
    expect(guarded.headers.get('location')).toBe('/');
    const short = await get('/admin?short=1');
    expect(short.headers.get('content-type')).toContain('application/json');
    expect(await short.json()).toEqual({ short: true });
  });

  it('sends response.json() without layouts', async () => {
    const response = await get('/api');
    expect(await response.json()).toEqual({ ok: true, params: {} });
  });

  it('parses urlencoded, multipart and JSON bodies before the page runs', async () => {
    const urlencoded = await text('/form', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=x&b=y' });
    expect(urlencoded).toContain(JSON.stringify({ a: '1', b: ['x', 'y'] }).replace(/"/g, '&#34;'));
    const form = new FormData();
    form.set('name', 'Ada');
    form.set('upload', new Blob(['file']), 'f.txt');
    expect(await text('/form', { method: 'POST', body: form })).toContain('{&#34;name&#34;:&#34;Ada&#34;}');
    const json = await text('/form', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"items":[1,2]}' });
    expect(json).toContain('<pre id="body">{&#34;items&#34;:[1,2]}</pre>');
  });

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    expect((await get('/form', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' })).status).toBe(400);
    expect((await get('/form', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(5000) })).status).toBe(413);
    expect((await get('/')).status).toBe(200);
  });

  it('appends every Set-Cookie instead of overwriting', async () => {
    const cookies = (await get('/cookies')).headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^a=1; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookies[1]).toMatch(/^b=2%203;/);
  });

  it('marks cookies Secure behind an HTTPS proxy only when the proxy is trusted', async () => {
    const viaProxy = { headers: { 'x-forwarded-proto': 'https' } };
    expect((await get('/cookies', viaProxy)).headers.getSetCookie()[0]).not.toContain('Secure');
    const trusting = await startApp({ root, config: resolveConfig({ port: 0, auth: { anonymous: { trustProxy: true } } }), log: () => {} });
    try {
      const cookies = (await fetch(`${trusting.url}/cookies`, viaProxy)).headers.getSetCookie();
      expect(cookies.every((c) => c.includes('; Secure'))).toBe(true);
    } finally {
      await trusting.close();
    }
  });

  it('carries a redirect message to the next page exactly once, in a signed cookie', async () => {
    const go = await get('/go');
    expect(go.status).toBe(303);
    expect(go.headers.get('location')).toBe('/flash');
    const setFlash = go.headers.getSetCookie().find((c) => c.startsWith('pb_flash='))!;
    expect(setFlash).toMatch(/Max-Age=60(;|$)/i);
    const flash = setFlash.split(';')[0]!;
    const shown = await get('/flash', { headers: { cookie: flash } });
    expect(await shown.text()).toContain('<p id="flash">Saved &lt;b&gt;</p>');
    expect(shown.headers.getSetCookie().some((c) => c.startsWith('pb_flash=;'))).toBe(true);
    expect(await text('/flash')).toContain('<p id="flash">none</p>');
    const forged = `pb_flash=${Buffer.from('Your account is locked, call 555').toString('base64url')}.forged`;
    expect(await text('/flash', { headers: { cookie: forged } })).toContain('<p id="flash">none</p>');
  });

  it('refuses open redirects', async () => {
    for (const target of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const response = await get(`/leave?to=${encodeURIComponent(target)}`);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('refused:400');
    }
    expect((await get('/leave?to=%2Fnotes')).headers.get('location')).toBe('/notes');
  });

  it('serves static files with an ETag, 304s, and immutable caching for fingerprinted URLs', async () => {
    const plain = await get('/assets/app.css');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    const etag = plain.headers.get('etag')!;
    expect((await get('/assets/app.css', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const fingerprinted = /<p>([^<]+)<\/p>/.exec(await text('/assets-page'))![1]!;
    expect(fingerprinted).toMatch(/^\/assets\/app\.css\?v=[\w-]{12}$/);
    expect((await get(fingerprinted)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('never serves templates, private files or paths outside pages/', async () => {
    for (const path of ['/index.ejs', '/+layout.ejs', '/_private/greeting.ejs', '/+middleware.ts', '/../package.json', '/assets/..%2F..%2Fpackage.json', '/%2e%2e/package.json']) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('<%');
    }
  });

  it('answers HEAD with headers only', async () => {
    const response = await get('/', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await response.text()).toBe('');
  });

  it('renders the app\'s +404.ejs for unknown routes', async () => {
    const response = await get('/no/such/page');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('<h1 id="custom404">');
  });

  it('turns an error with a status into that status, and any other error into a generic 500 that logs the details', async () => {
    const taken = await get('/taken');
    expect(taken.status).toBe(409);
    const takenPage = await taken.text();
    expect(takenPage).toContain('Already taken.');
    expect(takenPage).not.toContain('taken.ejs');
    expect(takenPage).not.toContain('<script server>');
    const boom = await get('/boom');
    expect(boom.status).toBe(500);
    const page = await boom.text();
    expect(page).not.toContain('kaboom');
    expect(page).not.toContain('<img src=x');
    expect(logs.some((l) => l.includes('kaboom'))).toBe(true);
    expect((await get('/')).status).toBe(200);
  });

  it('shows the message and stack (escaped) in dev', async () => {
    const page = await (await get('/boom', {}, dev)).text();
    expect(page).toContain('kaboom &lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('boom.ejs');
  });

  it('logs one JSON entry per request without query strings', async () => {
    await get('/flash?token=secret-value');
    const entries = logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; req?: { url: string } });
    expect(entries.some((e) => /^GET \/flash 200 [\d.]+ms$/.test(e.msg) && e.req?.url === '/flash')).toBe(true);
    expect(logs.join('\n')).not.toContain('secret-value');
  });
});

describe('extensions', () => {
  it('answers with the status of an error an extension throws', async () => {
    const refuse: PageExtension = {
      name: 'refuse',
      async extend() {
        throw Object.assign(new Error('Cross-site form posts are refused.'), { status: 403 });
      },
    };
    const guarded = await startApp({ root, config: resolveConfig({ port: 0 }), extensions: [refuse], log: () => {} });
    try {
      const response = await fetch(`${guarded.url}/`);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('Cross-site form posts are refused.');
    } finally {
      await guarded.close();
    }
  });

  it('tells a rate-limited client when to retry: an escaping 429 with retryAfter sets Retry-After', async () => {
    const throttle: PageExtension = {
      name: 'throttle',
      async extend() {
        throw Object.assign(new Error('Too many sign-in attempts; try again in 42 s.'), { status: 429, retryAfter: 42 });
      },
    };
    const limited = await startApp({ root, config: resolveConfig({ port: 0 }), extensions: [throttle], log: () => {} });
    try {
      const response = await fetch(`${limited.url}/`);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('42');
    } finally {
      await limited.close();
    }
  });

  it('lets an extension add to the context that pages read', async () => {
    const greet: PageExtension = { name: 'greet', async extend(ctx) { ctx.data = { trail: ['ext'] }; } };
    const extended = await startApp({ root, config: resolveConfig({ port: 0 }), extensions: [greet], log: () => {} });
    try {
      expect(await (await fetch(`${extended.url}/admin`)).text()).toContain('trail=root,admin');
    } finally {
      await extended.close();
    }
  });
});
