import { describe, expect, it } from 'vitest';
import { assertSameOrigin, isSameOriginOrTrusted } from '../../../src/auth/csrf.js';

const post = (headers: Record<string, string>) => ({ method: 'POST', headers: { host: 'app.test:3000', ...headers } });

describe('cross-origin request check', () => {
  it('lets same-origin form posts through', () => {
    expect(isSameOriginOrTrusted(post({ origin: 'http://app.test:3000' }), [])).toBe(true);
  });

  it('refuses a post from another origin with a 403', () => {
    expect(isSameOriginOrTrusted(post({ origin: 'https://evil.test' }), [])).toBe(false);
    expect(() => assertSameOrigin(post({ origin: 'https://evil.test' }), [])).toThrow(
      expect.objectContaining({ status: 403, code: 'cross_origin_forbidden' }),
    );
  });

  it('refuses the opaque "null" origin and other ports', () => {
    expect(isSameOriginOrTrusted(post({ origin: 'null' }), [])).toBe(false);
    expect(isSameOriginOrTrusted(post({ origin: 'http://app.test:4000' }), [])).toBe(false);
  });

  it('allows configured trusted origins', () => {
    expect(isSameOriginOrTrusted(post({ origin: 'https://admin.test' }), ['https://admin.test'])).toBe(true);
  });

  it('uses Sec-Fetch-Site when Origin is absent', () => {
    expect(isSameOriginOrTrusted(post({ 'sec-fetch-site': 'cross-site' }), [])).toBe(false);
    expect(isSameOriginOrTrusted(post({ 'sec-fetch-site': 'same-site' }), [])).toBe(false);
    expect(isSameOriginOrTrusted(post({ 'sec-fetch-site': 'same-origin' }), [])).toBe(true);
  });

  it('never blocks GET or HEAD, nor non-browser clients without these headers', () => {
    expect(isSameOriginOrTrusted({ method: 'GET', headers: { origin: 'https://evil.test' } }, [])).toBe(true);
    expect(isSameOriginOrTrusted({ method: 'HEAD', headers: {} }, [])).toBe(true);
    expect(isSameOriginOrTrusted(post({}), [])).toBe(true);
  });
});
