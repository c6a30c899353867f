/**
 * @module embedded/auth/oauth2-providers
 * A collection's OAuth2 provider configs and what `auth-methods` tells a
 * client about each (apis/record_auth_methods.go): a fresh state, a PKCE
 * verifier and its S256 challenge, and the provider's authorization URL ending
 * in an empty `redirect_uri=` for the client to fill in.
 *
 * Only the generic OpenID Connect providers (`oidc`, `oidc2`, `oidc3`, set up
 * with their own URLs) are known to the embedded backend.
 */
import { createHash } from 'node:crypto';
import type { CollectionJson } from '../filter/index.js';
import { randomString } from '../ids.js';

export interface ProviderConfig {
  name: string;
  displayName?: string;
  clientId: string;
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  pkce?: boolean | null;
}

export interface OAuth2Options {
  enabled: boolean;
  providers: ProviderConfig[];
  mappedFields: { id?: string; name?: string; username?: string; avatarURL?: string };
}

export const oidcNames = ['oidc', 'oidc2', 'oidc3'];

/**
 * The collection's `oauth2` after a create/update: sections not sent keep their
 * values, and a provider sent without `clientSecret` keeps its old one (the API
 * never shows secrets, so a client cannot send them back).
 */
export function mergeOAuth2(existing: unknown, input: unknown): unknown {
  if (!input || typeof input !== 'object') return existing;
  const old = (existing ?? {}) as Partial<OAuth2Options>;
  const next = { ...old, ...(input as Partial<OAuth2Options>) };
  if (Array.isArray(next.providers)) {
    next.providers = next.providers.map((p) => {
      const before = old.providers?.find((o) => o.name === p.name);
      return { extra: {}, ...p, clientSecret: p.clientSecret || before?.clientSecret || '' };
    });
  }
  return next;
}

/** A collection as the API shows it: provider secrets left out. */
export function withoutSecrets(collection: CollectionJson): CollectionJson {
  const oauth2 = collection.oauth2 as Partial<OAuth2Options> | undefined;
  if (!oauth2?.providers?.length) return collection;
  return { ...collection, oauth2: { ...oauth2, providers: oauth2.providers.map(({ clientSecret: _secret, ...rest }) => rest) } };
}

export function oauth2Options(collection: CollectionJson): OAuth2Options {
  const raw = (collection.oauth2 ?? {}) as Partial<OAuth2Options>;
  return { enabled: raw.enabled === true, providers: Array.isArray(raw.providers) ? raw.providers : [], mappedFields: raw.mappedFields ?? {} };
}

/** The enabled provider of that name, or undefined. */
export function providerConfig(collection: CollectionJson, name: unknown): ProviderConfig | undefined {
  const options = oauth2Options(collection);
  if (!options.enabled || typeof name !== 'string') return undefined;
  return options.providers.find((p) => p.name === name && oidcNames.includes(p.name));
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** One provider as `auth-methods` lists it; every call makes a new state and verifier. The logo (an SVG in PocketBase) is left empty. */
export function providerInfo(config: ProviderConfig): Record<string, string> {
  const state = randomString(30);
  const usePkce = config.pkce !== false;
  const codeVerifier = usePkce ? randomString(43) : '';
  const codeChallenge = usePkce ? s256(codeVerifier) : '';
  const url = new URL(config.authURL);
  url.searchParams.set('client_id', config.clientId);
  if (usePkce) {
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid email profile');
  url.searchParams.set('state', state);
  const authURL = `${url.href}&redirect_uri=`;
  return {
    name: config.name,
    displayName: config.displayName || 'OIDC',
    logo: '',
    state,
    authURL,
    authUrl: authURL, // the pre-v0.23 spelling PocketBase still sends
    codeVerifier,
    codeChallenge,
    codeChallengeMethod: usePkce ? 'S256' : '',
  };
}
