/**
 * @module pages/flash
 * The one-time message of `redirect(path, { message })`, carried to the next
 * page in a signed cookie: a query string could be forged into a phishing
 * message, a signed cookie cannot. The key is per process unless
 * PBPAGES_SECRET is set (then flashes survive restarts and span instances).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const flashCookie = 'pb_flash';
const key = process.env.PBPAGES_SECRET || randomBytes(32).toString('hex');

const sign = (value: string) => createHmac('sha256', key).update(`flash:${value}`).digest('base64url');

export function encodeFlash(message: string): string {
  const value = Buffer.from(message.slice(0, 1000)).toString('base64url');
  return `${value}.${sign(value)}`;
}

/** The message, or undefined when the cookie is absent or forged. */
export function decodeFlash(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  const [value = '', signature = ''] = cookie.split('.');
  const expected = Buffer.from(sign(value));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return Buffer.from(value, 'base64url').toString('utf8');
}
