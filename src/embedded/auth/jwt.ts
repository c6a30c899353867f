/**
 * @module embedded/auth/jwt
 * HS256 JSON Web Tokens as PocketBase issues them (no `iat`; `exp` in Unix
 * seconds). Only HS256 is accepted; signatures are compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Claims = Record<string, unknown> & { exp?: number };

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = encode({ alg: 'HS256', typ: 'JWT' });

function signature(data: string, key: string): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}

export function signJwt(claims: Claims, key: string): string {
  const body = `${header}.${encode(claims)}`;
  return `${body}.${signature(body, key)}`;
}

/** The payload without checking the signature (to find whose key to check it with). */
export function decodeJwt(token: string): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const head = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: unknown };
    if (head?.alg !== 'HS256') return undefined;
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Claims) : undefined;
  } catch {
    return undefined;
  }
}

/** The claims when the signature matches `key` and the token has not expired. */
export function verifyJwt(token: string, key: string): Claims | undefined {
  const claims = decodeJwt(token);
  if (!claims) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return undefined;
  const [head, body, sig] = token.split('.');
  const expected = Buffer.from(signature(`${head}.${body}`, key));
  const given = Buffer.from(sig ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected) ? claims : undefined;
}
