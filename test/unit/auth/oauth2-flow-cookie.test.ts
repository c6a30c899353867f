import { describe, expect, it } from 'vitest';
import { decodeFlow, encodeFlow, type OAuth2Flow } from '../../../src/auth/oauth2-flow-cookie.js';

const flow: OAuth2Flow = {
  provider: 'oidc', collection: 'users', state: 's'.repeat(30), codeVerifier: 'v'.repeat(43),
  redirect: '/notes', errorRedirect: '/account', sessionRecord: 'abc', expires: 2_000_000_000,
};

describe('the OAuth2 flow cookie', () => {
  it('reads back what was written', () => {
    expect(decodeFlow(encodeFlow(flow), 1_900_000_000)).toEqual(flow);
  });

  it('is expired after its expiry', () => {
    expect(decodeFlow(encodeFlow(flow), 2_000_000_001)).toBe('expired');
  });

  it('is refused when its content was changed (a chosen redirect or verifier)', () => {
    const [, signature] = encodeFlow(flow).split('.');
    const forged = Buffer.from(JSON.stringify({ ...flow, redirect: '/elsewhere' })).toString('base64url');
    expect(decodeFlow(`${forged}.${signature}`, 1_900_000_000)).toBeUndefined();
    expect(decodeFlow('', 1_900_000_000)).toBeUndefined();
    expect(decodeFlow('garbage', 1_900_000_000)).toBeUndefined();
  });
});
