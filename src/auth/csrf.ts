/**
 * @module auth/csrf
 * Cross-site request forgery check on top of `SameSite=Lax`.
 *
 * Threat model: another site makes a visitor's browser POST to us with the
 * visitor's cookie (SameSite=Lax still sends it on top-level form POSTs in some
 * browsers, and sibling subdomains count as same-site). Browsers send `Origin`
 * on every non-GET request, and `Sec-Fetch-Site`; requests that carry neither
 * come from non-browser clients, which cannot ride on a visitor's cookie, so
 * they pass. Same origin is judged by host against the request's `Host`
 * (the scheme is left out so a TLS-terminating proxy does not break forms).
 */
import { AuthError } from './auth-error.js';

export interface OriginSource {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when the request may proceed. */
export function isSameOriginOrTrusted(request: OriginSource, trustedOrigins: readonly string[]): boolean {
  if (safeMethods.has(request.method.toUpperCase())) return true;
  const origin = header(request, 'origin');
  if (origin !== undefined) {
    if (trustedOrigins.some((trusted) => sameOrigin(trusted, origin))) return true;
    const host = header(request, 'host');
    return host !== undefined && hostOf(origin) === host.toLowerCase();
  }
  const site = header(request, 'sec-fetch-site');
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** Throws a 403 `AuthError` the page engine turns into a 403 page. */
export function assertSameOrigin(request: OriginSource, trustedOrigins: readonly string[]): void {
  if (!isSameOriginOrTrusted(request, trustedOrigins)) {
    throw new AuthError('cross_origin_forbidden', 403, 'Cross-site form submissions are not allowed.');
  }
}

function header(request: OriginSource, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
