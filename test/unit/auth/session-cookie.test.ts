import { serialize } from 'cookie';
import { BaseAuthStore } from 'pocketbase';
import { describe, expect, it } from 'vitest';
import { clearSessionCookie, sessionCookieValue, writeSessionCookie } from '../../../src/auth/session-cookie.js';
import type { CookieOptions, ExtensionResponse } from '../../../src/pages/extension.js';

function tokenWithExp(exp: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ type: 'auth', id: 'abc', collectionId: 'c', exp })}.sig`;
}

function recordingResponse() {
  const cookies: { name: string; value: string; options: CookieOptions | undefined }[] = [];
  const response: ExtensionResponse = {
    cookie: (name, value, options) => cookies.push({ name, value, options }),
    header: () => undefined,
  };
  return { response, cookies };
}

describe('session cookie', () => {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const token = tokenWithExp(exp);
  const record = { id: 'abc', email: 'a@b.co', collectionId: 'c', collectionName: 'users', verified: false };

  it('is HttpOnly, SameSite=Lax, Path=/ and expires with the token', () => {
    const { response, cookies } = recordingResponse();
    writeSessionCookie(response, { name: 'pb_auth', token, record, secure: false });
    expect(cookies[0]?.options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', secure: false });
    expect(cookies[0]?.options?.expires?.getTime()).toBe(exp * 1000);
  });

  it('is Secure on HTTPS', () => {
    const { response, cookies } = recordingResponse();
    writeSessionCookie(response, { name: 'pb_auth', token, record, secure: true });
    expect(cookies[0]?.options?.secure).toBe(true);
  });

  it('reads back with the SDK loadFromCookie once the engine serialises it', () => {
    const header = serialize('pb_auth', sessionCookieValue('pb_auth', token, record));
    const store = new BaseAuthStore();
    store.loadFromCookie(header);
    expect(store.token).toBe(token);
    expect(store.record).toEqual(record);
  });

  it('stays within 4,096 bytes by keeping only the essential fields of a big record', () => {
    const big = { ...record, anonymous: true, bio: 'x'.repeat(6000) };
    const value = sessionCookieValue('pb_auth', token, big);
    expect(serialize('pb_auth', value).length).toBeLessThan(4096);
    expect(JSON.parse(value)).toEqual({
      token,
      record: { id: 'abc', email: 'a@b.co', collectionId: 'c', collectionName: 'users', verified: false, anonymous: true },
    });
  });

  it('is deleted with an empty value and Max-Age=0', () => {
    const { response, cookies } = recordingResponse();
    clearSessionCookie(response, { name: 'pb_auth', secure: false });
    expect(cookies[0]).toMatchObject({ name: 'pb_auth', value: '', options: { maxAge: 0, httpOnly: true, path: '/' } });
  });
});
