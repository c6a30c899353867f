import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBackend } from '../../../src/embedded/index.js';
import { cookieHeader, postForm, startTestApp, type TestApp } from '../helpers/app.js';

const superuser = { email: 'root@pbpages.test', password: 'backend-down-superuser-pw' };
let dir: string;
let backend: { url: string; close(): Promise<void> };
let app: TestApp;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pbpages-down-'));
  backend = await startEmbeddedBackend({ dir, port: 0, superuser });
  app = await startTestApp({ pocketbaseUrl: backend.url, superuser });
});
afterAll(async () => {
  await app.close();
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

async function timedGet(path: string, cookie: string): Promise<{ response: Response; html: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(app.url + path, { headers: { Cookie: cookie }, redirect: 'manual' });
  const html = await response.text();
  return { response, html, ms: performance.now() - started };
}

async function guestCount(): Promise<number> {
  const admin = new PocketBase(backend.url);
  await admin.collection('_superusers').authWithPassword(superuser.email, superuser.password);
  return (await admin.collection('users').getList(1, 1, { filter: 'anonymous = true' })).totalItems;
}

describe('a backend that goes away under a running app', () => {
  it('pages keep answering within a second, and the session comes back with the backend', async () => {
    const signIn = await postForm(app, '/', { mode: 'anonymous' });
    expect(signIn.status).toBeGreaterThanOrEqual(300);
    const cookie = cookieHeader(signIn);
    const notes = await timedGet('/notes', cookie);
    expect(notes.response.status).toBe(200);
    expect(notes.html).toContain('Guest');

    const port = new URL(backend.url).port;
    await backend.close();

    const home = await timedGet('/', cookie);
    expect(home.response.status).toBe(200);
    expect(home.ms).toBeLessThan(1000);
    expect(home.response.headers.getSetCookie().filter((c) => c.startsWith('pb_auth=;'))).toEqual([]);

    const downNotes = await timedGet('/notes', cookie);
    expect(downNotes.ms).toBeLessThan(1000);
    // Signed out for this request (redirected home) or, with the verdict still cached, a 503 page.
    expect(downNotes.response.status === 503 || (downNotes.response.status >= 300 && downNotes.response.status < 400)).toBe(true);

    const started = performance.now();
    const guestWhileDown = await postForm(app, '/', { mode: 'anonymous' });
    expect(guestWhileDown.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1000);

    backend = await startEmbeddedBackend({ dir, port: Number(port), superuser });
    const back = await timedGet('/notes', cookie);
    expect(back.response.status).toBe(200);
    expect(back.html).toContain('Guest');
    expect(await guestCount()).toBe(1);
  });
});
