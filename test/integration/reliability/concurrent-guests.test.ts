import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, startTestApp, type TestApp } from '../helpers/app.js';

const superuser = { email: 'root@pbpages.test', password: 'concurrency-superuser-pw' };
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ superuser, auth: { anonymous: { trustProxy: true } } });
});
afterAll(async () => {
  await app.close();
});

function guestIdFrom(response: Response): string | undefined {
  const line = response.headers.getSetCookie().find((c) => c.startsWith('pb_auth=') && !c.startsWith('pb_auth=;'));
  if (!line) return undefined;
  const value = decodeURIComponent(line.slice('pb_auth='.length).split(';')[0]!);
  return (JSON.parse(value) as { record: { id: string } }).record.id;
}

describe('500 concurrent "Continue as Guest" posts', () => {
  it('answer each with a redirect or a 429, and create exactly one guest per redirect', async () => {
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        postForm(app, '/', { mode: 'anonymous' }, { 'X-Forwarded-For': `198.51.${i >> 8}.${i & 255}` }),
      ),
    );

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => !(s === 429 || (s >= 300 && s < 400)))).toEqual([]);
    const redirected = responses.filter((r) => r.status >= 300 && r.status < 400);
    const ids = redirected.map(guestIdFrom);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(redirected.length);

    const admin = new PocketBase(app.pocketbaseUrl);
    await admin.collection('_superusers').authWithPassword(superuser.email, superuser.password);
    const guests = await admin.collection('users').getFullList({ filter: 'anonymous = true', fields: 'id,email' });
    expect(guests.length).toBe(redirected.length);
    expect(new Set(guests.map((g) => g.email)).size).toBe(guests.length);
    expect(new Set(guests.map((g) => g.id))).toEqual(new Set(ids));
  }, 180_000);
});
