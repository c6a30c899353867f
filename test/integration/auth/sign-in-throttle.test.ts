/**
 * Password sign-in throttling over real HTTP: failed attempts are counted per
 * client IP and per account, and refused with 429 + retryAfter past either limit,
 * without slowing down anyone else. Client IPs come from X-Forwarded-For
 * (`trustProxy`), as behind a proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, startApp, startBackend } from './harness.js';
import type { App, Backend, Route } from './harness.js';

const password = 'the-right-password-1';
const param = (page: { request: { url: string } }, name: string) => new URL(page.request.url, 'http://x').searchParams.get(name) ?? '';
const routes: Record<string, Route> = {
  '/login': async (page) => (await page.signInWithPassword(param(page, 'email'), param(page, 'password'))).record,
  '/register': async (page) => (await page.registerWithPassword(param(page, 'email'), password)).record,
};

let backend: Backend;
const apps: App[] = [];
async function app() {
  const started = await startApp({
    backend,
    routes,
    config: {
      auth: {
        anonymous: { trustProxy: true },
        signInRateLimit: { perIp: { max: 5, windowSeconds: 900 }, perAccount: { max: 3, windowSeconds: 900 } },
      },
    },
  });
  apps.push(started);
  return started;
}

beforeAll(async () => {
  backend = await startBackend();
  const admin = await backend.admin();
  for (const email of ['victim@pbpages.test', 'bystander@pbpages.test', 'owner@pbpages.test']) {
    await admin.collection('users').create({ email, password, passwordConfirm: password });
  }
});

afterAll(async () => {
  for (const started of apps) await started.close();
  await backend.close();
});

const login = (url: string, ip: string, email: string, pw: string) =>
  new Browser(url).post(`/login?email=${encodeURIComponent(email)}&password=${encodeURIComponent(pw)}`, { 'x-forwarded-for': ip });

describe('sign-in throttling', () => {
  it('refuses a flood of wrong passwords from one address with 429 and retryAfter, before asking the backend', async () => {
    const { url } = await app();
    for (let i = 0; i < 5; i += 1) {
      expect((await login(url, '198.51.100.1', `nobody-${i}@pbpages.test`, 'guess')).body.code).toBe('invalid_credentials');
    }
    const refused = await login(url, '198.51.100.1', 'bystander@pbpages.test', password);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(refused.body.retryAfter).toBeGreaterThan(800);
    expect(refused.body.retryAfter).toBeLessThanOrEqual(900);
  });

  it('still signs in a real user from another address during the flood', async () => {
    const { url } = await app();
    for (let i = 0; i < 8; i += 1) await login(url, '198.51.100.2', `nobody-${i}@pbpages.test`, 'guess');
    const real = await login(url, '198.51.100.3', 'bystander@pbpages.test', password);
    expect(real.status).toBe(200);
    expect(real.body.auth?.['email']).toBe('bystander@pbpages.test');
  });

  it('holds the per-account limit across addresses, with the email compared case-insensitively', async () => {
    const { url } = await app();
    for (let i = 0; i < 3; i += 1) {
      const email = i % 2 ? 'VICTIM@pbpages.test' : 'victim@pbpages.test';
      expect((await login(url, `203.0.113.${i + 1}`, email, 'guess')).body.code).toBe('invalid_credentials');
    }
    const fresh = await login(url, '203.0.113.99', 'victim@pbpages.test', 'guess');
    expect(fresh.status).toBe(429);
    expect(fresh.body.retryAfter).toBeGreaterThan(0);
    expect((await login(url, '203.0.113.98', 'bystander@pbpages.test', password)).status).toBe(200);
  });

  it('clears the account count on success, so an owner making the odd typo is never locked out', async () => {
    const { url } = await app();
    for (let round = 0; round < 4; round += 1) {
      const ip = `192.0.2.${10 + round}`;
      expect((await login(url, ip, 'owner@pbpages.test', 'typo')).status).toBe(400);
      expect((await login(url, ip, 'owner@pbpages.test', 'typo')).status).toBe(400);
      expect((await login(url, ip, 'owner@pbpages.test', password)).status).toBe(200);
    }
  });

  it('keeps counting an address\'s failures across its successes (one known password resets nothing)', async () => {
    const { url } = await app();
    for (let i = 0; i < 5; i += 1) {
      await login(url, '192.0.2.50', `nobody-${i}@pbpages.test`, 'guess');
      expect((await login(url, '192.0.2.50', 'bystander@pbpages.test', password)).status).toBe(i < 4 ? 200 : 429);
    }
  });

  it('throttles registrations per address too', async () => {
    const { url } = await app();
    for (let i = 0; i < 5; i += 1) {
      const reply = await new Browser(url).post(`/register?email=new-${i}@pbpages.test`, { 'x-forwarded-for': '192.0.2.77' });
      expect(reply.status).toBe(200);
    }
    const refused = await new Browser(url).post('/register?email=new-9@pbpages.test', { 'x-forwarded-for': '192.0.2.77' });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
  });
});
