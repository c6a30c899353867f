import { describe, expect, it } from 'vitest';
import { ProviderList } from '../../../src/auth/oauth2-provider-list.js';

const oidc = [{ name: 'oidc', displayName: 'Test ID' }];

describe('the cached provider list', () => {
  it('asks the backend once while the list is fresh', async () => {
    let calls = 0;
    const list = new ProviderList(async () => (calls++, oidc), { freshMs: 60_000 });
    expect(await list.get('users')).toEqual(oidc);
    expect(await list.get('users')).toEqual(oidc);
    expect(calls).toBe(1);
  });

  it('answers an empty list rather than hold the page when the backend is slow the first time, then the real one', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const list = new ProviderList(async () => (await slow, oidc), { freshMs: 60_000, coldWaitMs: 20 });
    expect(await list.get('users')).toEqual([]);
    release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await list.get('users')).toEqual(oidc);
  });

  it('serves the stale list while it refreshes, and asks every time with the cache off', async () => {
    let calls = 0;
    const stale = new ProviderList(async () => (calls++ === 0 ? oidc : []), { freshMs: 1 });
    await stale.get('users');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await stale.get('users')).toEqual(oidc);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await stale.get('users')).toEqual([]);
    let uncached = 0;
    const off = new ProviderList(async () => (uncached++, oidc), { freshMs: 0 });
    await off.get('users');
    await off.get('users');
    expect(uncached).toBe(2);
  });
});
