import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { cookieHeader, postForm, startTestApp, type TestApp } from '../helpers/app.js';

const superuser = { email: 'root@pbpages.test', password: 'backend-down-superuser-pw' };
let backend: TestServer;
let app: TestApp;

beforeAll(async () => {
  backend = await startTestServer({ superuser });
  app = await startTestApp({ pocketbaseUrl: backend.url, superuser });
});
afterAll(async () => {
  await app.close();
  await backend.close();
});

async function timedGet(path: string, cookie: string): Promise<{ response: Response; html: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(app.url + path, { headers: { Cookie: cookie }, redirect: 'manual' });
  const html = await response.text();
  return { response, html, ms: performance.now() - started };
}

async function guestCount(): Promise<number> {
  const admin = await backend.admin();
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

    await backend.stop();

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

    await backend.restart();
    const back = await timedGet('/notes', cookie);
    expect(back.response.status).toBe(200);
    expect(back.html).toContain('Guest');
    expect(await guestCount()).toBe(1);
  });
});
