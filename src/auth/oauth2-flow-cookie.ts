/**
 * @module auth/oauth2-flow-cookie
 * The state of one OAuth2 code flow between `startOAuth2` and the callback:
 * provider, collection, `state`, PKCE verifier, where to go afterwards, and an
 * expiry, in a short-lived `HttpOnly; SameSite=Lax` cookie scoped to the
 * callback path and signed with HMAC-SHA256.
 *
 * Threat model: the signature stops a visitor (or a site that can set cookies
 * for us) from choosing the verifier, the redirect or the expiry; the `state`
 * compared at the callback stops login CSRF (RFC 6749 §10.12: an attacker's
 * code completed in the victim's browser); binding the flow to the record
 * signed in when it started stops a flow cookie planted in another session
 * from linking an attacker's identity to the victim's account. Lax is needed: the provider brings
 * the browser back with a cross-site top-level GET. The verifier is not secret
 * from the visitor it belongs to (PKCE protects the code in transit). The key
 * is per process unless PBPAGES_SECRET is set (then flows survive restarts and
 * span instances).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const flowCookieName = 'pb_oauth2';

export interface OAuth2Flow {
  provider: string;
  collection: string;
  state: string;
  codeVerifier: string;
  /** Same-site path to go to when the flow succeeds. */
  redirect: string;
  /** Same-site path to go to when it fails (with `?auth_error=<code>` and a message). */
  errorRedirect: string;
  /** The record signed in when the flow started ('' for none): the callback must see the same one. */
  sessionRecord: string;
  /** Unix seconds. */
  expires: number;
}

const key = process.env.PBPAGES_SECRET || randomBytes(32).toString('hex');
const sign = (value: string) => createHmac('sha256', key).update(`oauth2-flow:${value}`).digest('base64url');

export function encodeFlow(flow: OAuth2Flow): string {
  const value = Buffer.from(JSON.stringify(flow)).toString('base64url');
  return `${value}.${sign(value)}`;
}

/** The flow, 'expired', or undefined when the cookie is absent, forged or unreadable. */
export function decodeFlow(cookie: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): OAuth2Flow | 'expired' | undefined {
  if (!cookie) return undefined;
  const [value = '', signature = ''] = cookie.split('.');
  const expected = Buffer.from(sign(value));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let flow: OAuth2Flow;
  try {
    flow = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as OAuth2Flow;
  } catch {
    return undefined;
  }
  return flow.expires < nowSeconds ? 'expired' : flow;
}
