import { describe, expect, it } from 'vitest';
import { decodeJwt, signJwt, verifyJwt } from '../../../src/embedded/auth/jwt.js';
import { crc32, formatDate, newRecordId, parseDate } from '../../../src/embedded/ids.js';

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('auth tokens', () => {
  it('verifies a token signed with the same key, and nothing else', () => {
    const token = signJwt({ id: 'abc', type: 'auth', exp: inAnHour() }, 'key-1');
    expect(verifyJwt(token, 'key-1')).toMatchObject({ id: 'abc', type: 'auth' });
    expect(verifyJwt(token, 'key-2')).toBeUndefined();
    const [head, , sig] = token.split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ id: 'other', type: 'auth', exp: inAnHour() })).toString('base64url')}.${sig}`;
    expect(verifyJwt(tampered, 'key-1')).toBeUndefined();
  });

  it('refuses expired tokens, tokens without exp, and any algorithm but HS256', () => {
    expect(verifyJwt(signJwt({ id: 'a', exp: 1 }, 'k'), 'k')).toBeUndefined();
    expect(verifyJwt(signJwt({ id: 'a' }, 'k'), 'k')).toBeUndefined();
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ id: 'a', exp: inAnHour() })).toString('base64url')}.`;
    expect(decodeJwt(none)).toBeUndefined();
    expect(decodeJwt('not-a-token')).toBeUndefined();
  });
});

describe('PocketBase formats', () => {
  it('makes 15-character [a-z0-9] record ids', () => {
    const ids = new Set(Array.from({ length: 200 }, newRecordId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{15}$/);
  });

  it('formats dates as "YYYY-MM-DD HH:MM:SS.mmmZ" and reads them back', () => {
    const date = new Date(Date.UTC(2026, 0, 2, 10, 11, 12, 345));
    expect(formatDate(date)).toBe('2026-01-02 10:11:12.345Z');
    expect(parseDate('2026-01-02 10:11:12.345Z')?.getTime()).toBe(date.getTime());
    expect(parseDate('yesterday')).toBeUndefined();
  });

  it('derives field ids like PocketBase (type + crc32 of the name)', () => {
    expect(`text${crc32('id')}`).toBe('text3208210256');
    expect(`email${crc32('email')}`).toBe('email3885137012');
  });
});
