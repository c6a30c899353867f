/**
 * @module auth/session-cookie
 * Writes and clears the `pb_auth` cookie in the SDK's format
 * (`{token, record}` JSON), so `pb.authStore.loadFromCookie` reads it back.
 * `HttpOnly; SameSite=Lax; Path=/`, `Secure` on HTTPS, expiring with the token.
 * A cookie over 4,096 bytes is dropped by browsers (RFC 6265 §6.1), so a large
 * record is cut to the fields the SDK keeps when it shrinks one.
 */
import { getTokenPayload } from 'pocketbase';
import type { CookieOptions, ExtensionResponse } from '../pages/extension.js';

const maxCookieBytes = 4096;
/** `; Max-Age=…; Path=/; Expires=…; HttpOnly; Secure; SameSite=Lax` with room to spare. */
const attributeBytes = 128;
/** What the SDK's `exportToCookie` keeps of a record that does not fit. */
const keptFields = ['id', 'email', 'collectionId', 'collectionName', 'verified', 'anonymous'];

/** The cookie's value before the engine URI-encodes it. */
export function sessionCookieValue(name: string, token: string, record: Record<string, unknown>): string {
  const full = JSON.stringify({ token, record });
  if (encodedSize(name, full) <= maxCookieBytes) return full;
  const small: Record<string, unknown> = {};
  for (const key of keptFields) if (key in record) small[key] = record[key];
  return JSON.stringify({ token, record: small });
}

export function writeSessionCookie(
  response: ExtensionResponse,
  options: { name: string; token: string; record: Record<string, unknown>; secure: boolean },
): void {
  const exp = getTokenPayload(options.token)['exp'];
  const expires = typeof exp === 'number' ? new Date(exp * 1000) : undefined;
  response.cookie(options.name, sessionCookieValue(options.name, options.token, options.record), {
    ...baseOptions(options.secure),
    ...(expires ? { expires } : {}),
  });
}

export function clearSessionCookie(response: ExtensionResponse, options: { name: string; secure: boolean }): void {
  response.cookie(options.name, '', { ...baseOptions(options.secure), maxAge: 0, expires: new Date(0) });
}

function baseOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure };
}

function encodedSize(name: string, value: string): number {
  return Buffer.byteLength(`${name}=${encodeURIComponent(value)}`) + attributeBytes;
}
