/**
 * @module pages/flash
 * The one-time message of `redirect(path, { message })`, carried to the next
 * page in a signed cookie: a query string could be forged into a phishing
 * message, a signed cookie cannot. The key is per process unless
 * PBPAGES_SECRET is set (then flashes survive restarts and span instances).
 *
 * The cookie lives `flashSeconds` (Max-Age), and the same expiry is signed into
 * its value and checked on read, so a copied flash cannot be replayed later.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const flashCookie = 'pb_flash';
/** How long a flash waits for the next page (the cookie's Max-Age). */
export const flashSeconds = 60;
const key = process.env.PBPAGES_SECRET || randomBytes(32).toString('hex');

const sign = (payload: string) => createHmac('sha256', key).update(`flash:${payload}`).digest('base64url');

/** `message.expiry.signature`, valid for `flashSeconds`. */
export function encodeFlash(message: string, now: number = Date.now()): string {
  const value = Buffer.from(message.slice(0, 1000)).toString('base64url');
  const payload = `${value}.${(Math.floor(now / 1000) + flashSeconds).toString(36)}`;
  return `${payload}.${sign(payload)}`;
}

/** The message, or undefined when the cookie is absent, forged or expired. */
export function decodeFlash(cookie: string | undefined, now: number = Date.now()): string | undefined {
  if (!cookie) return undefined;
  const [value = '', expiry = '', signature = ''] = cookie.split('.');
  const expected = Buffer.from(sign(`${value}.${expiry}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (parseInt(expiry, 36) * 1000 <= now) return undefined;
  return Buffer.from(value, 'base64url').toString('utf8');
}
