/**
 * @module auth/guest-identity
 * The random identity of a guest account and how a guest is recognised.
 *
 * Threat model: a guest's email and password are the only keys to its record,
 * so both carry at least 128 bits from `crypto` (nanoid). The email alphabet is
 * lower-case letters and digits because PocketBase compares emails
 * case-sensitively and mail systems may not.
 */
import { customAlphabet, nanoid } from 'nanoid';
import type { AnonymousOptions } from '../config.js';

/** 25 characters of a 36-letter alphabet: 25 · log2(36) ≈ 129 bits. */
const randomLocalPart = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 25);

/** 32 characters of nanoid's 64-letter alphabet: 192 bits, below PocketBase's 71-byte password cap. */
const passwordLength = 32;

export type GuestPattern = Pick<AnonymousOptions, 'emailPrefix' | 'emailDomain'>;

/** A fresh guest email such as `anonymous-0k3…@example.com`. */
export function newGuestEmail(pattern: GuestPattern, random: () => string = randomLocalPart): string {
  return `${pattern.emailPrefix}${random()}@${pattern.emailDomain}`;
}

export function newGuestPassword(): string {
  return nanoid(passwordLength);
}

/**
 * True when `email` has the guest shape (prefix, random part, guest domain),
 * compared case-insensitively. Used to recognise guests in collections that
 * lack the `anonymous` field, and to refuse registrations that would pass for
 * guests.
 */
export function isGuestEmail(email: unknown, pattern: GuestPattern): boolean {
  if (typeof email !== 'string') return false;
  const lower = email.toLowerCase();
  const prefix = pattern.emailPrefix.toLowerCase();
  const suffix = `@${pattern.emailDomain.toLowerCase()}`;
  return lower.startsWith(prefix) && lower.endsWith(suffix) && lower.length > prefix.length + suffix.length;
}

/**
 * Whether an auth record is a guest: the `anonymous` field when the collection
 * has it (that is what API rules test), the email pattern otherwise.
 */
export function isGuestRecord(record: Record<string, unknown> | undefined, pattern: GuestPattern): boolean {
  if (!record) return false;
  if (typeof record['anonymous'] === 'boolean') return record['anonymous'];
  return isGuestEmail(record['email'], pattern);
}
