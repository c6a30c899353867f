import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { registerSecret } from '../support/output-capture.js';
import { useBrowser } from './browser.js';
import { startStarterApp, type RunningApp } from './starter-app.js';

const browser = useBrowser();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function app(config?: string): Promise<RunningApp> {
  const running = await startStarterApp(config ? { config } : {});
  cleanups.push(() => running.close());
  return running;
}

/** A page on another origin that posts the guest form to the app. */
async function foreignSite(target: string): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<form method="post" action="${target}/"><input type="hidden" name="mode" value="anonymous">` +
      `<button>Win a prize</button></form>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(() => new Promise((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('guest sign-in defences in the browser', () => {
  it('shows the rate-limit message once a client has used up its guest sign-ins', async () => {
    const running = await app('export default { auth: { anonymous: { rateLimit: { max: 2, windowSeconds: 3600 } } } };');
    for (let i = 0; i < 2; i++) {
      const page = await (await browser.newContext()).newPage();
      await page.goto(running.url);
      await page.getByRole('button', { name: 'Continue as Guest' }).click();
      await expect.poll(() => page.getByTestId('auth-status').textContent()).toContain('Guest');
    }
    const page = await (await browser.newContext()).newPage();
    await page.goto(running.url);
    await page.getByRole('button', { name: 'Continue as Guest' }).click();
    await expect.poll(() => page.getByTestId('guest-error').textContent()).toMatch(/too many/i);
    expect(await page.getByTestId('auth-status').textContent()).toContain('Signed out');
  });

  it('refuses a guest sign-in form posted from another site', async () => {
    const running = await app();
    const page = await (await browser.newContext()).newPage();
    await page.goto(await foreignSite(running.url));
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Win a prize' }).click(),
    ]);
    expect(response?.status()).toBe(403);
    await page.goto(running.url);
    expect(await page.getByTestId('auth-status').textContent()).toContain('Signed out');
  });

  it('prints no guest password, token or superuser password in its log', async () => {
    const running = await app();
    const page = await (await browser.newContext()).newPage();
    await page.goto(running.url);
    await page.getByRole('button', { name: 'Continue as Guest' }).click();
    await expect.poll(() => page.getByTestId('auth-status').textContent()).toContain('Guest');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'pb_auth');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    const token = JSON.parse(decodeURIComponent(cookie!.value)).token as string;
    registerSecret(token);
    expect(running.output()).not.toContain(token);
    expect(running.output()).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});
