/**
 * bench/auth.js — what a signed-in page costs.
 *
 * Three servers render the same small page over node:http:
 *   signed-out  — the auth extension runs, no cookie sent;
 *   signed-in   — the auth extension runs with a guest's pb_auth cookie (verified once, then cached);
 *   naive       — the SDK README pattern without a cache: loadFromCookie + authRefresh on every request.
 * Targets: signed-in ≥ 0.8 × signed-out, signed-in ≥ 5 × naive.
 * Run after `npm run build`: `node bench/auth.js` (BENCH_SECONDS, default 5 per case).
 * Prints a table and, last, one JSON line.
 */
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parse, serialize } from 'cookie';
import PocketBase, { BaseAuthStore } from 'pocketbase';
import { resolveConfig } from '../dist/config.js';
import { createAuthExtension } from '../dist/auth/extension.js';
import { setupGuestSchema } from '../dist/auth/guest-schema.js';
import { createSuperuserClient } from '../dist/pocketbase/superuser-client.js';
import { startEmbeddedBackend } from '../dist/embedded/index.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const superuser = { email: 'bench@pbpages.test', password: 'bench-password-1234567890' };

function page(auth) {
  return `<!doctype html><title>bench</title><p>${auth ? `Hello ${auth.id}` : 'Hello stranger'}</p>`;
}

function listen(handler) {
  const server = createServer((req, res) => {
    handler(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function extensionHandler(extension) {
  return async (req, res) => {
    const setCookies = [];
    const ctx = {
      request: {
        method: req.method, url: req.url, headers: req.headers, secure: false,
        remoteAddress: req.socket.remoteAddress ?? '',
        cookies: () => parse(req.headers.cookie ?? ''),
      },
      response: { cookie: (n, v, o) => setCookies.push(serialize(n, v, o)), header: (n, v) => res.setHeader(n, v) },
    };
    await extension.extend(ctx);
    if (setCookies.length) res.setHeader('set-cookie', setCookies);
    res.setHeader('content-type', 'text/html');
    res.end(page(ctx.auth));
  };
}

function naiveHandler(url) {
  return async (req, res) => {
    const pb = new PocketBase(url, new BaseAuthStore());
    pb.autoCancellation(false);
    pb.authStore.loadFromCookie(req.headers.cookie ?? '');
    try {
      if (pb.authStore.isValid) await pb.collection('users').authRefresh();
    } catch {
      pb.authStore.clear();
    }
    res.setHeader('set-cookie', pb.authStore.exportToCookie({ sameSite: 'lax', secure: false }));
    res.setHeader('content-type', 'text/html');
    res.end(page(pb.authStore.record));
  };
}

async function measure(url, cookie) {
  const result = await autocannon({ url, connections: 10, duration: seconds, headers: cookie ? { cookie } : {} });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`bench: ${result.non2xx} non-2xx and ${result.errors} errors at ${url}`);
  return result.requests.average;
}

const dir = await mkdtemp(join(tmpdir(), 'pbpages-bench-'));
const backend = await startEmbeddedBackend({ dir, host: '127.0.0.1', port: 0, superuser, log: () => {} });
const servers = [];
try {
  await setupGuestSchema({ superuser: createSuperuserClient(backend.url, superuser), root: dir, collection: 'users', log: () => {} });
  const extension = createAuthExtension({ config: resolveConfig({}), pocketbaseUrl: backend.url, log: () => {} });
  const app = await listen(extensionHandler(extension));
  const naive = await listen(naiveHandler(backend.url));
  servers.push(app, naive);
  const appUrl = `http://127.0.0.1:${app.address().port}/`;
  const naiveUrl = `http://127.0.0.1:${naive.address().port}/`;

  // A real guest session, created the way a page does it.
  const guestServer = await listen(async (req, res) => {
    const ctx = {
      request: { method: 'POST', url: '/', headers: req.headers, secure: false, remoteAddress: '127.0.0.1', cookies: () => ({}) },
      response: { cookie: () => {}, header: () => {} },
    };
    await extension.extend(ctx);
    const { token, record } = await ctx.signInAnonymously();
    res.end(JSON.stringify({ token, record }));
  });
  servers.push(guestServer);
  const session = await (await fetch(`http://127.0.0.1:${guestServer.address().port}/`, { method: 'POST' })).json();
  const cookie = `pb_auth=${encodeURIComponent(JSON.stringify(session))}`;

  const signedOut = await measure(appUrl);
  const signedIn = await measure(appUrl, cookie);
  const naiveRps = await measure(naiveUrl, cookie);
  const vsSignedOut = signedIn / signedOut;
  const vsNaive = signedIn / naiveRps;
  console.table([
    { case: 'signed-out render', 'req/s': Math.round(signedOut) },
    { case: 'signed-in render (cached verify)', 'req/s': Math.round(signedIn) },
    { case: 'naive authRefresh every request', 'req/s': Math.round(naiveRps) },
  ]);
  console.log(
    JSON.stringify({
      bench: 'auth',
      seconds,
      signedOutRps: Math.round(signedOut),
      signedInRps: Math.round(signedIn),
      naiveRps: Math.round(naiveRps),
      signedInVsSignedOut: Number(vsSignedOut.toFixed(2)),
      signedInVsNaive: Number(vsNaive.toFixed(2)),
      targets: { signedInVsSignedOut: 0.8, signedInVsNaive: 5 },
      pass: vsSignedOut >= 0.8 && vsNaive >= 5,
    }),
  );
  extension.close();
} finally {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
  await backend.close();
  await rm(dir, { recursive: true, force: true });
}
