/**
 * @module auth/password-length
 * bcrypt, which PocketBase stores passwords with, reads only the first 72 bytes
 * of a password. PocketBase counts characters (at most 71), so 18 emoji already
 * fill those bytes; pbpages refuses such a password itself, with a field error
 * a page can show, instead of sending it to a backend that would either drop
 * its tail (older PocketBase) or answer a bare 400.
 */
import { AuthError } from './auth-error.js';

/** What bcrypt hashes of a password, in UTF-8 bytes. */
export const maxPasswordBytes = 72;

/**
 * Throws `validation` (400) with a `password` field error when the password is
 * longer than bcrypt can use.
 * @example
 * assertPasswordFits('\u{1F600}'.repeat(19)); // throws: 76 bytes
 */
export function assertPasswordFits(password: unknown): void {
  if (typeof password !== 'string' || Buffer.byteLength(password, 'utf8') <= maxPasswordBytes) return;
  throw new AuthError('validation', 400, 'The password is too long.', {
    fields: {
      password: {
        code: 'validation_password_too_long',
        message: `Must be at most ${maxPasswordBytes} bytes (fewer characters when using emoji or accents).`,
      },
    },
  });
}
