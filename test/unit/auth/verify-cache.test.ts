import { describe, expect, it } from 'vitest';
import { VerifyCache } from '../../../src/auth/verify-cache.js';

const session = (id: string) => ({ token: `t-${id}`, record: { id, collectionId: 'c', collectionName: 'users' } });

describe('verification cache', () => {
  it('answers for a token until the TTL ends', () => {
    let now = 0;
    const cache = new VerifyCache({ ttlSeconds: 30, now: () => now });
    cache.set('t-a', session('a'), 10_000);
    now = 29_000;
    expect(cache.get('t-a')?.record.id).toBe('a');
    now = 30_000;
    expect(cache.get('t-a')).toBeUndefined();
  });

  it('never answers past the token expiry', () => {
    let now = 0;
    const cache = new VerifyCache({ ttlSeconds: 30, now: () => now });
    cache.set('t-a', session('a'), 5);
    now = 5_000;
    expect(cache.get('t-a')).toBeUndefined();
  });

  it('stays bounded and drops the least recently used token', () => {
    const cache = new VerifyCache({ ttlSeconds: 30, maxEntries: 2 });
    const far = Date.now() / 1000 + 3600;
    cache.set('t-a', session('a'), far);
    cache.set('t-b', session('b'), far);
    cache.get('t-a');
    cache.set('t-c', session('c'), far);
    expect(cache.size).toBe(2);
    expect(cache.get('t-b')).toBeUndefined();
    expect(cache.get('t-a')).toBeDefined();
  });

  it('forgets every token of a record at once', () => {
    const cache = new VerifyCache({ ttlSeconds: 30 });
    const far = Date.now() / 1000 + 3600;
    cache.set('t-1', session('a'), far);
    cache.set('t-2', session('a'), far);
    cache.deleteRecord('a');
    expect(cache.size).toBe(0);
  });

  it('caches nothing when the TTL is zero', () => {
    const cache = new VerifyCache({ ttlSeconds: 0 });
    cache.set('t-a', session('a'), Date.now() / 1000 + 3600);
    expect(cache.get('t-a')).toBeUndefined();
  });

  it('tells the other processes when it forgets a record, but not when another process asked it to', () => {
    const far = Date.now() / 1000 + 3600;
    const cache = new VerifyCache({ ttlSeconds: 30 });
    const told: string[] = [];
    cache.onRecordForgotten((id) => told.push(id));
    cache.set('t-a', session('a'), far);
    cache.set('t-b', session('b'), far);
    cache.deleteRecord('a');
    expect(cache.get('t-a')).toBeUndefined();
    cache.forgetRecord('b');
    expect(cache.get('t-b')).toBeUndefined();
    expect(told).toEqual(['a']);
  });
});
