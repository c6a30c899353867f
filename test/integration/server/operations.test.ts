// Operations endpoints and the request log, through real HTTP against a project with the embedded backend.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig, type UserConfig } from '../../../src/config.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { startApp } from '../../../src/server/app.js';
import { pruneGuests } from '../../../src/auth/guest-prune.js';
import { createSuperuserClient } from '../../../src/pocketbase/superuser-client.js';
import { recordOutput } from '../../support/output-capture.js';
import { cookieHeader, postForm } from '../helpers/app.js';

interface Project {
  url: string;
  logs: string[];
  /** Deletes every guest (a prune with a cutoff in the future); resolves to how many. */
  pruneAll(): Promise<number>;
  stopBackend(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A project whose pages try to claim the probe and metrics paths, served as `pbpages start` serves it. */
async function project(overrides: UserConfig = {}): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), 'pbpages-ops-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'pages', 'notes'), { recursive: true });
  for (const name of ['healthz', 'readyz', 'metrics']) await writeFile(join(root, 'pages', `${name}.ejs`), '<p>a page</p>');
  await writeFile(join(root, 'pages', 'notes', '[id].ejs'), '<p>note <%= params.id %></p>');
  await writeFile(join(root, 'pages', 'link.ejs'), '<script server>await linkWithPassword(`kept-${Date.now()}@pbpages.test`, "a-long-password-123");</script><p>linked</p>');
  await writeFile(join(root, 'pages', 'guest.ejs'), '<script server>if (request.method === "POST") { try { await signInAnonymously(); } catch (e) { response.status(e.status); } }</script><p>guest</p>');
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    recordOutput(line);
  };
  const config = resolveConfig({ port: 0, backendPort: 0, dataDir: join(root, 'pb_data'), pruneGuestsDaily: false, ...overrides });
  const runtime = await createRuntime({ root, config, log });
  const app = await startApp({ root, config, extensions: runtime.extensions, log, pocketbaseUrl: runtime.pocketbaseUrl });
  let backendUp = true;
  cleanups.push(async () => {
    await app.close();
    if (backendUp) await runtime.close();
  });
  return {
    url: app.url,
    logs,
    pruneAll() {
      const superuser = createSuperuserClient(runtime.pocketbaseUrl, runtime.superuser!);
      return pruneGuests({ superuser, collection: 'users', cutoff: new Date(Date.now() + 60_000), pattern: config.auth.anonymous });
    },
    async stopBackend() {
      backendUp = false;
      await runtime.close();
    },
  };
}

/** The JSON request entries of the log. */
function requestEntries(logs: string[]): Array<Record<string, any>> {
  return logs.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry['reqId']);
}

describe('health probes', () => {
  it('healthz and readyz answer 200 while the backend is up, even when pages of those names exist', async () => {
    const app = await project();
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect(ready.headers.get('cache-control')).toBe('no-store');
  });

  it('readyz answers 503 once the backend stops, while healthz stays 200', async () => {
    const app = await project();
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    await app.stopBackend();
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable' });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe('request log', () => {
  it('writes one JSON entry per request with the id answered as X-Request-Id, and redacts cookies and Authorization', async () => {
    const app = await project();
    const response = await fetch(`${app.url}/notes/n1?token=query-secret-value`, {
      headers: { Cookie: 'pb_auth=cookie-secret-value', Authorization: 'Bearer auth-secret-value' },
    });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const entry = requestEntries(app.logs).find((e) => e['reqId'] === id);
    expect(entry).toMatchObject({ level: 30, req: { method: 'GET', url: '/notes/n1' }, res: { statusCode: 200 } });
    expect(entry!['req'].headers.cookie).toBe('[Redacted]');
    expect(entry!['req'].headers.authorization).toBe('[Redacted]');
    expect(typeof entry!['responseTime']).toBe('number');
    const all = app.logs.join('\n');
    for (const secret of ['cookie-secret-value', 'auth-secret-value', 'query-secret-value']) expect(all).not.toContain(secret);
  });

  it('ignores a client-sent X-Request-Id unless the proxy is trusted', async () => {
    const direct = await project();
    const ignored = await fetch(`${direct.url}/healthz`, { headers: { 'X-Request-Id': 'from-client-1' } });
    expect(ignored.headers.get('x-request-id')).not.toBe('from-client-1');
    const proxied = await project({ auth: { anonymous: { trustProxy: true } } });
    const kept = await fetch(`${proxied.url}/healthz`, { headers: { 'X-Request-Id': 'from-proxy-1' } });
    expect(kept.headers.get('x-request-id')).toBe('from-proxy-1');
    const forged = await fetch(`${proxied.url}/healthz`, { headers: { 'X-Request-Id': 'bad id"}{' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('metrics', () => {
  it('are off by default: the path is an ordinary page', async () => {
    const app = await project();
    expect(await (await fetch(`${app.url}/metrics`)).text()).toContain('a page');
  });

  it('count requests by route pattern and status, and guests created and rate-limited', async () => {
    const app = await project({ metrics: { enabled: true }, auth: { anonymous: { rateLimit: { max: 1, windowSeconds: 60 } } } });
    await fetch(`${app.url}/notes/first-note`);
    await fetch(`${app.url}/notes/second-note`);
    await fetch(`${app.url}/no-such-page`);
    expect((await postForm(app, '/guest', {})).status).toBe(200);
    expect((await postForm(app, '/guest', {})).status).toBe(429);
    const scrape = await fetch(`${app.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toContain('text/plain');
    const text = await scrape.text();
    expect(text).toMatch(/pbpages_http_request_duration_seconds_count\{method="GET",route="\/notes\/\[id\]",status="200"\} 2/);
    expect(text).toMatch(/pbpages_http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status="404"\} 1/);
    expect(text).not.toContain('first-note');
    expect(text).toMatch(/^pbpages_guests_created_total 1$/m);
    expect(text).toMatch(/^pbpages_guests_rate_limited_total 1$/m);
    expect(text).toMatch(/^pbpages_backend_errors_total 0$/m);
  });

  it('count guests upgraded and pruned', async () => {
    const app = await project({ metrics: { enabled: true } });
    const first = await postForm(app, '/guest', {});
    expect((await postForm(app, '/link', {}, { Cookie: cookieHeader(first) })).status).toBe(200);
    await postForm(app, '/guest', {});
    await postForm(app, '/guest', {});
    expect(await app.pruneAll()).toBe(2);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/^pbpages_guests_created_total 3$/m);
    expect(text).toMatch(/^pbpages_guests_upgraded_total 1$/m);
    expect(text).toMatch(/^pbpages_guests_pruned_total 2$/m);
  });

  it('count backend errors when the backend is down', async () => {
    const app = await project({ metrics: { enabled: true } });
    await app.stopBackend();
    expect((await postForm(app, '/guest', {})).status).toBe(503);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/^pbpages_backend_errors_total [1-9]/m);
  });
});
