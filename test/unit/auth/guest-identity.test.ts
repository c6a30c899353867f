import { describe, expect, it } from 'vitest';
import { isGuestEmail, isGuestRecord, newGuestEmail, newGuestPassword } from '../../../src/auth/guest-identity.js';

const pattern = { emailPrefix: 'anonymous-', emailDomain: 'example.com' };

describe('guest identity', () => {
  it('makes emails of prefix, 25 lower-case alphanumerics (≥128 bits) and the guest domain', () => {
    const email = newGuestEmail(pattern);
    expect(email).toMatch(/^anonymous-[0-9a-z]{25}@example\.com$/);
    expect(25 * Math.log2(36)).toBeGreaterThanOrEqual(128);
  });

  it('never repeats an email or password across many draws', () => {
    const emails = new Set(Array.from({ length: 2000 }, () => newGuestEmail(pattern)));
    const passwords = new Set(Array.from({ length: 2000 }, () => newGuestPassword()));
    expect(emails.size).toBe(2000);
    expect(passwords.size).toBe(2000);
  });

  it('makes passwords of at least 128 bits that fit PocketBase limits', () => {
    const password = newGuestPassword();
    expect(password.length * 6).toBeGreaterThanOrEqual(128);
    expect(password.length).toBeLessThanOrEqual(71);
  });

  it('recognises guest emails case-insensitively and nothing else', () => {
    expect(isGuestEmail('Anonymous-ABC@Example.com', pattern)).toBe(true);
    expect(isGuestEmail('anonymous-@example.com', pattern)).toBe(false);
    expect(isGuestEmail('bob@example.com', pattern)).toBe(false);
    expect(isGuestEmail('anonymous-x@example.org', pattern)).toBe(false);
    expect(isGuestEmail(undefined, pattern)).toBe(false);
  });

  it('uses the anonymous field when the record has it, the email pattern otherwise', () => {
    expect(isGuestRecord({ anonymous: false, email: 'anonymous-x@example.com' }, pattern)).toBe(false);
    expect(isGuestRecord({ anonymous: true, email: 'bob@x.io' }, pattern)).toBe(true);
    expect(isGuestRecord({ email: 'anonymous-x@example.com' }, pattern)).toBe(true);
    expect(isGuestRecord(undefined, pattern)).toBe(false);
  });
});
