import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, startApp, startBackend, superuser } from './harness.js';
import type { App, Backend, Route } from './harness.js';
import { setUp } from './setup-schema.js';

const linkPassword = 'linked-secret-password-987';
const tokens: string[] = [];
const routes: Record<string, Route> = {
  '/guest': async (page) => tokens.push((await page.signInAnonymously()).token),
  '/link': async (page) => tokens.push((await page.linkWithPassword('upgraded@pbpages.test', linkPassword)).token),
  '/signout': async (page) => page.signOut(),
};

let backend: Backend;
let app: App;

beforeAll(async () => {
  backend = await startBackend();
  await setUp(backend);
  app = await startApp({ backend, routes });
});

afterAll(async () => {
  await app.close();
  await backend.close();
});

describe('logs', () => {
  it('never contain a password or token during guest sign-in, upgrade and sign-out', async () => {
    const browser = new Browser(app.url);
    await browser.post('/guest');
    await browser.post('/link');
    await browser.post('/signout');
    const lines = [...app.logs, ...backend.logs];
    expect(app.logs.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain(linkPassword);
      expect(line).not.toContain(superuser.password);
      for (const token of tokens) expect(line).not.toContain(token);
      expect(line).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
      // The guest password is 32 nanoid characters; nothing that long and random may appear.
      expect(line).not.toMatch(/[A-Za-z0-9_-]{32}/);
    }
  });
});
