/**
 * The starter app's account pages over real HTTP, as `pbpages start` serves
 * them: throttled sign-in, the password byte limit, and signing out everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, postForm, startTestApp, type TestApp } from '../helpers/app.js';
import { uniqueEmail } from '../helpers/backend.js';

let app: TestApp;

beforeAll(async () => {
  // The suite's backend: embedded, or the real PocketBase in the integration:pocketbase project.
  app = await startTestApp({ auth: { signInRateLimit: { perIp: { max: 3, windowSeconds: 600 } } } });
});
afterAll(async () => {
  await app.close();
});

async function register(email: string, password = 'starter-password-1'): Promise<string> {
  const response = await postForm(app, '/register', { email, password, passwordConfirm: password });
  expect(response.status).toBe(303);
  return cookieHeader(response);
}

describe('starter account pages', () => {
  it('show a password longer than 72 bytes as a field error on the register page', async () => {
    const password = `${'\u{1F600}'.repeat(18)}-tail`;
    const response = await postForm(app, '/register', { email: uniqueEmail('emoji'), password, passwordConfirm: password });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Must be at most 72 bytes');
  });

  it('offer Sign out everywhere, after which a copied session cookie no longer signs anyone in', async () => {
    const cookie = await register(uniqueEmail('everywhere-page'));
    const copied = cookie;
    const account = await fetch(`${app.url}/account`, { headers: { cookie } });
    expect(await account.text()).toContain('Sign out everywhere');
    const out = await postForm(app, '/sign-out', { everywhere: '1' }, { cookie });
    expect(out.status).toBe(303);
    const stale = await fetch(`${app.url}/account`, { headers: { cookie: copied }, redirect: 'manual' });
    expect(stale.status).toBe(303);
    expect(stale.headers.get('location')).toBe('/sign-in');
  });

  // Last: it leaves this address throttled.
  it('answer a wrong-password flood on the sign-in page with 429 and a Retry-After header', async () => {
    // The limit is 3 counted attempts per address; the registration above was one of them.
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 5 && !refused; i += 1) {
      const reply = await postForm(app, '/sign-in', { email: `nobody-${i}@pbpages.test`, password: 'guess' });
      statuses.push(reply.status);
      if (reply.status === 429) refused = reply;
      else expect(await reply.text()).toContain('Wrong email or password.');
    }
    expect(statuses).toEqual([200, 200, 429]);
    if (!refused) throw new Error('never refused');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(await refused.text()).toContain('Too many sign-in attempts');
  });
});
