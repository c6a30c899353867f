/**
 * Same origin as PocketBase: what no page claims under /api/ and /_/ reaches
 * the backend, streamed, without the page server's CSRF check or body limit.
 */
import { createServer, get, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { startApp, type RunningApp } from '../../../src/server/app.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('the SDK pointed at the page server', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ bodyLimit: 2048 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('registers, signs in and reads its own record through the page server origin', async () => {
    const pb = new PocketBase(app.url);
    pb.autoCancellation(false);
    const email = `proxy-${Date.now()}@example.com`;
    await pb.collection('users').create({ email, password: 'proxy-password-123', passwordConfirm: 'proxy-password-123' });
    const auth = await pb.collection('users').authWithPassword(email, 'proxy-password-123');
    expect(auth.record.email).toBe(email);
    expect((await pb.collection('users').getOne(auth.record.id)).id).toBe(auth.record.id);
    expect(await pb.health.check()).toMatchObject({ code: 200 });
  });

  it('leaves CSRF and the body limit to the backend: a cross-origin JSON post over the page limit gets the backend answer', async () => {
    const response = await fetch(`${app.url}/api/collections/users/auth-with-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://elsewhere.example' },
      body: JSON.stringify({ identity: 'nobody@example.com', password: 'x'.repeat(4000) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400 });
  });

  it('answers unknown API paths with the backend 404, in its JSON shape', async () => {
    const response = await fetch(`${app.url}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
  });
});

describe('the proxy itself', () => {
  let upstream: Server;
  let seen: IncomingHttpHeaders = {};
  let app: RunningApp;
  let closeStream: () => void = () => {};

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen = req.headers;
      if (req.url === '/api/realtime') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write('id:1\nevent:PB_CONNECT\ndata:{"clientId":"abc"}\n\n');
        closeStream = () => res.end();
        return;
      }
      if (req.url === '/api/files/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', connection: 'close, x-upstream-hop', 'x-upstream-hop': 'drop me', 'keep-alive': 'timeout=99' });
        const chunk = Buffer.alloc(64 * 1024, 7);
        for (let i = 0; i < 32; i++) res.write(chunk);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
    const { port } = upstream.address() as AddressInfo;
    app = await startApp({
      root: resolve(import.meta.dirname, '../../fixtures/apps/demo'),
      config: resolveConfig({ port: 0 }),
      pocketbaseUrl: `http://127.0.0.1:${port}`,
      log: () => {},
    });
  });
  afterAll(async () => {
    closeStream();
    await app.close();
    await new Promise<void>((done) => upstream.close(() => done()));
  });

  it('streams server-sent events as they are written, without waiting for the end', async () => {
    const response = await fetch(`${app.url}/api/realtime`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('event:PB_CONNECT');
    await reader.cancel();
  });

  it('streams a 2 MB download whole and drops hop-by-hop headers both ways', async () => {
    // node:http, not fetch: fetch refuses to send a Connection header.
    const response = await new Promise<IncomingMessage>((done, fail) =>
      get(`${app.url}/api/files/big`, { headers: { connection: 'x-client-hop', 'x-client-hop': 'drop me too', 'x-kept': 'yes' } }, done).on('error', fail),
    );
    let size = 0;
    for await (const chunk of response) size += (chunk as Buffer).length;
    expect(size).toBe(2 * 1024 * 1024);
    expect(response.headers['x-upstream-hop']).toBeUndefined();
    expect(response.headers['keep-alive']).not.toBe('timeout=99');
    expect(seen['x-client-hop']).toBeUndefined();
    expect(seen['x-kept']).toBe('yes');
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('forwards the admin UI under /_/, and leaves pages and non-API paths to the page server', async () => {
    expect(await (await fetch(`${app.url}/_/`)).json()).toEqual({ path: '/_/' });
    expect((await fetch(`${app.url}/api`)).headers.get('content-type')).toContain('application/json');
    expect(await (await fetch(`${app.url}/api`)).json()).toEqual({ ok: true, params: {} });
    expect((await fetch(`${app.url}/nope`)).status).toBe(404);
  });

  it('answers 502 in the PocketBase error shape when the backend is down', async () => {
    const down = await startApp({ root: resolve(import.meta.dirname, '../../fixtures/apps/demo'), config: resolveConfig({ port: 0 }), pocketbaseUrl: 'http://127.0.0.1:9', log: () => {} });
    try {
      const response = await fetch(`${down.url}/api/health`);
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ status: 502 });
    } finally {
      await down.close();
    }
  });
});
