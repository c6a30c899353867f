/**
 * @module embedded/auth/oauth2-exchange
 * Talks to an OpenID Connect provider for `auth-with-oauth2`: trades the code
 * (with the PKCE verifier) for a token at `tokenURL`, then reads the user at
 * `userInfoURL`, mapped as tools/auth/oidc.go does: `sub` is the id, and the
 * email counts only when the provider says it is verified (`email_verified`).
 */
import { ApiError } from '../api-error.js';
import type { ProviderConfig } from './oauth2-providers.js';

export interface OAuth2User {
  id: string;
  name: string;
  username: string;
  email: string;
  avatarURL: string;
  rawUser: Record<string, unknown>;
  accessToken: string;
  refreshToken: string;
  expiry: string;
}

/** PocketBase waits this long for a provider. */
const timeoutMs = 30_000;

async function fetchJson(url: string, init: RequestInit): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as unknown;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const truthy = (value: unknown) => value === true || value === 'true' || value === 1 || value === '1';

export async function exchangeCode(config: ProviderConfig, input: { code: string; codeVerifier: string; redirectURL: string }): Promise<OAuth2User> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectURL, client_id: config.clientId, client_secret: config.clientSecret });
  if (config.pkce !== false && input.codeVerifier) form.set('code_verifier', input.codeVerifier);
  const token = await fetchJson(config.tokenURL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: form.toString(),
  });
  const accessToken = typeof token?.access_token === 'string' ? token.access_token : '';
  if (!accessToken) throw new ApiError(400, 'Failed to fetch OAuth2 token.');
  const raw = config.userInfoURL ? await fetchJson(config.userInfoURL, { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' } }) : undefined;
  if (!raw || typeof raw.sub !== 'string' || raw.sub === '') throw new ApiError(400, 'Failed to fetch OAuth2 user.');
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : '');
  const expiresIn = Number(token?.expires_in ?? 0);
  return {
    id: raw.sub,
    name: text('name'),
    username: text('preferred_username'),
    email: truthy(raw.email_verified) ? text('email') : '',
    avatarURL: text('picture'),
    rawUser: raw,
    accessToken,
    refreshToken: typeof token?.refresh_token === 'string' ? token.refresh_token : '',
    expiry: expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000).toISOString().replace('T', ' ') : '',
  };
}
