/**
 * @module auth/oauth2-start
 * `oauth2Providers()` and `startOAuth2(provider, { redirect })`: the first
 * half of a server-side OAuth2 code flow. The provider's authorization URL,
 * state and PKCE verifier come from PocketBase (`auth-methods`); the state and
 * verifier go into the signed flow cookie, and the visitor is redirected to the
 * provider, which sends them back to the built-in callback route.
 */
import { AuthError } from './auth-error.js';
import type { AuthDeps } from './auth-deps.js';
import { toAuthError } from './error-mapping.js';
import { encodeFlow, flowCookieName } from './oauth2-flow-cookie.js';
import type { ExtensionContext } from '../pages/extension.js';
import { createVisitorClient } from '../pocketbase/visitor-client.js';

export interface OAuth2Provider {
  name: string;
  displayName: string;
}

export interface StartOAuth2Options {
  /** Same-site path after a successful sign-in ('/' by default). */
  redirect?: string;
  /** Same-site path after a failure (`redirect` by default); gets `?auth_error=<code>` and a message. */
  errorRedirect?: string;
  collection?: string;
}

interface ProviderInfo extends OAuth2Provider {
  state: string;
  authURL: string;
  codeVerifier: string;
}

/** Same-site paths only (open redirects): no `//host`, `/\host`, scheme or control character. */
export function isSitePath(path: unknown): path is string {
  return typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') && !/[\\\u0000-\u001f\u007f]/.test(path);
}

async function authMethods(deps: AuthDeps, collection: string): Promise<ProviderInfo[]> {
  await deps.collections.require(collection);
  try {
    const methods = await createVisitorClient(deps.pocketbaseUrl).collection(collection).listAuthMethods();
    return methods.oauth2.enabled ? (methods.oauth2.providers as ProviderInfo[]) : [];
  } catch (error) {
    throw toAuthError(error);
  }
}

/** The providers visitors can continue with (none when OAuth2 is off for the collection). */
export async function oauth2Providers(deps: AuthDeps, collection = deps.auth.anonymous.collection): Promise<OAuth2Provider[]> {
  return (await authMethods(deps, collection)).map(({ name, displayName }) => ({ name, displayName }));
}

/** The callback URL on this site, as the provider must send the browser back to it. */
export function callbackUrl(ctx: ExtensionContext, path: string): string {
  const host = ctx.request.headers.host ?? '127.0.0.1';
  return `${ctx.request.secure ? 'https' : 'http'}://${host}${path}`;
}

/**
 * @example
 * await startOAuth2('google', { redirect: '/notes' }); // the response is now a redirect to Google
 */
export async function startOAuth2(deps: AuthDeps, ctx: ExtensionContext, session: { record?: { id: string } | undefined }, provider: string, options: StartOAuth2Options = {}): Promise<{ url: string }> {
  const redirect = options.redirect ?? '/';
  const errorRedirect = options.errorRedirect ?? redirect;
  if (!isSitePath(redirect) || !isSitePath(errorRedirect)) {
    throw new AuthError('validation', 400, 'OAuth2 redirects go only to paths on this site (like "/notes").');
  }
  const collection = options.collection ?? deps.auth.anonymous.collection;
  const info = (await authMethods(deps, collection)).find((p) => p.name === provider);
  if (!info) throw new AuthError('oauth2_provider_unknown', 400, 'That sign-in provider is not available.');
  const { callbackPath, flowSeconds } = deps.auth.oauth2;
  const cookie = encodeFlow({
    provider, collection, state: info.state, codeVerifier: info.codeVerifier, redirect, errorRedirect,
    sessionRecord: session.record?.id ?? '',
    expires: Math.floor(Date.now() / 1000) + flowSeconds,
  });
  ctx.response.cookie(flowCookieName, cookie, { httpOnly: true, sameSite: 'lax', secure: ctx.request.secure, path: callbackPath, maxAge: flowSeconds });
  const url = info.authURL + encodeURIComponent(callbackUrl(ctx, callbackPath));
  if (!ctx.response.redirectExternal) throw new Error('startOAuth2 needs a response that can redirect off the site.');
  ctx.response.redirectExternal(url);
  return { url };
}
