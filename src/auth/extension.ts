/**
 * @module auth/extension
 * The auth extension of the page context: `auth`, `request.auth`, `pb`,
 * `isAnonymous()` and the sign-in functions, backed by the `pocketbase` SDK
 * over HTTP against the embedded backend or a real PocketBase.
 *
 * Per request it first refuses cross-origin writes (CSRF), then loads the
 * session from `Authorization` or the `pb_auth` cookie, trusting it only once
 * the backend (or a fresh cached verdict of it) has accepted the token.
 */
import type { PbpagesConfig } from '../config.js';
import type { ExtensionContext, PageExtension } from '../pages/extension.js';
import { createSuperuserClient } from '../pocketbase/superuser-client.js';
import type { SuperuserCredentials } from '../pocketbase/superuser-client.js';
import { AuthCollections } from './auth-collections.js';
import type { AuthDeps, SignedIn } from './auth-deps.js';
import { assertSameOrigin } from './csrf.js';
import { linkWithPassword } from './guest-link.js';
import { isGuestRecord } from './guest-identity.js';
import { signInAnonymously } from './guest-sign-in.js';
import type { SignInAnonymouslyArg } from './guest-sign-in.js';
import { AuthError } from './auth-error.js';
import { failedCallbackPath, finishOAuth2 } from './oauth2-callback.js';
import { flowCookieName } from './oauth2-flow-cookie.js';
import { ProviderList } from './oauth2-provider-list.js';
import { oauth2Providers, startOAuth2 } from './oauth2-start.js';
import type { OAuth2Provider, StartOAuth2Options } from './oauth2-start.js';
import { registerWithPassword } from './password-auth.js';
import type { CollectionOption } from './password-auth.js';
import { GuestRateLimit } from './guest-rate-limit.js';
import { createLimiter } from './rate-limiter.js';
import type { LimiterFactory } from './rate-limiter.js';
import { signInWithPasswordMerging } from './password-merge.js';
import type { SignInOptions } from './password-merge.js';
import { RequestSession } from './request-session.js';
import type { SessionInvalidation } from './session-invalidation.js';
import { SessionVerifier } from './session-verifier.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { signOut } from './sign-out.js';
import type { SignOutOptions } from './sign-out.js';

export interface AuthExtensionOptions {
  config: PbpagesConfig;
  /** The backend the SDK talks to (embedded or a real PocketBase). */
  pocketbaseUrl: string;
  /** Needed by `linkWithPassword` and `signOut({ everywhere })`; without it they throw `superuser_required`. */
  superuser?: SuperuserCredentials;
  log?: (line: string) => void;
  /** Builds the rate limiters (guest creation, sign-in); counts live in this process's memory by default. */
  createLimiter?: LimiterFactory;
  /** How other page-server processes learn that a record's sessions ended (several processes only). */
  invalidation?: SessionInvalidation;
  /** The random part of guest emails; tests replace it to force a collision. */
  guestId?: () => string;
}

/** What the extension adds to the page context (for typing pages). */
export interface AuthContext {
  readonly auth: import('pocketbase').RecordModel | undefined;
  readonly pb: import('pocketbase').default;
  isAnonymous(): boolean;
  signInAnonymously(arg?: SignInAnonymouslyArg): Promise<SignedIn>;
  /** A signed-in guest is merged into the account (see `auth.anonymous.merge`) unless `mergeGuest: false`. */
  signInWithPassword(email: string, password: string, options?: SignInOptions): Promise<SignedIn>;
  registerWithPassword(email: string, password: string, options?: CollectionOption): Promise<SignedIn>;
  linkWithPassword(email: string, password: string): Promise<SignedIn>;
  signOut(options?: SignOutOptions): Promise<void>;
  /** The OAuth2 providers of the collection (none when OAuth2 is off); cached for a few seconds. */
  oauth2Providers(collection?: string): Promise<OAuth2Provider[]>;
  /** Redirects the visitor to the provider; the built-in callback finishes the sign-in. */
  startOAuth2(provider: string, options?: StartOAuth2Options): Promise<{ url: string }>;
}

/**
 * @example
 * const authExtension = createAuthExtension({ config, pocketbaseUrl: 'http://127.0.0.1:8090' });
 * await startApp({ root, config, dev: false, extensions: [authExtension], log });
 */
export function createAuthExtension(options: AuthExtensionOptions): PageExtension & { close(): void } {
  const { config, pocketbaseUrl } = options;
  const limiterFactory = options.createLimiter ?? createLimiter;
  const deps: AuthDeps = {
    auth: config.auth,
    pocketbaseUrl,
    verifier: new SessionVerifier({
      pocketbaseUrl,
      verifyCacheSeconds: config.auth.verifyCacheSeconds,
      refreshWithinSeconds: config.auth.refreshWithinSeconds,
    }),
    collections: new AuthCollections(pocketbaseUrl),
    guestRateLimit: new GuestRateLimit(limiterFactory, config.auth.anonymous.rateLimit),
    signInThrottle: new SignInThrottle(limiterFactory, config.auth.signInRateLimit),
    superuser: options.superuser ? createSuperuserClient(pocketbaseUrl, options.superuser) : undefined,
    log: options.log ?? ((line) => console.log(line)),
    guestId: options.guestId,
  };
  const settings = { pocketbaseUrl, cookieName: config.auth.cookieName };
  const { invalidation } = options;
  if (invalidation) {
    deps.verifier.cache.onRecordForgotten((recordId) => invalidation.publish(recordId));
    invalidation.subscribe((recordId) => deps.verifier.cache.forgetRecord(recordId));
  }
  const providerList = new ProviderList((collection) => oauth2Providers(deps, collection), { freshMs: config.auth.oauth2.providersCacheSeconds * 1000 });

  /** The OAuth2 callback: the flow cookie is spent either way; failures become a redirect with a message. */
  async function answerCallback(ctx: ExtensionContext, session: RequestSession): Promise<void> {
    const { callbackPath } = config.auth.oauth2;
    ctx.response.cookie(flowCookieName, '', { httpOnly: true, sameSite: 'lax', secure: ctx.request.secure, path: callbackPath, maxAge: 0 });
    let to: string;
    let message: string | undefined;
    try {
      to = await finishOAuth2(deps, ctx, session);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      deps.log(`auth: OAuth2 sign-in failed: ${error.code}`);
      to = failedCallbackPath(ctx, error.code);
      message = error.message;
    }
    if (!ctx.redirect) throw new Error('The OAuth2 callback needs a page context that can redirect.');
    ctx.redirect(to, message ? { message } : {});
  }

  return {
    name: 'auth',
    routes: [config.auth.oauth2.callbackPath],
    async extend(ctx: ExtensionContext) {
      assertSameOrigin(ctx.request, config.trustedOrigins);
      const session = new RequestSession(ctx, settings, deps.verifier);
      await session.load();
      const auth = { get: () => session.record, enumerable: true, configurable: true };
      Object.defineProperty(ctx.request, 'auth', auth);
      Object.defineProperty(ctx, 'auth', auth);
      Object.defineProperty(ctx, 'pb', { get: () => session.client(), enumerable: true, configurable: true });
      if (ctx.request.method === 'GET' && ctx.request.url.split('?')[0] === config.auth.oauth2.callbackPath) {
        await answerCallback(ctx, session);
        return;
      }
      const functions: Omit<AuthContext, 'auth' | 'pb'> = {
        isAnonymous: () => isGuestRecord(session.record, config.auth.anonymous),
        signInAnonymously: (arg) => signInAnonymously(deps, ctx.request, session, arg),
        signInWithPassword: (email, password, opts) => signInWithPasswordMerging(deps, ctx.request, session, email, password, opts),
        registerWithPassword: (email, password, opts) => registerWithPassword(deps, ctx.request, session, email, password, opts),
        linkWithPassword: (email, password) => linkWithPassword(deps, session, email, password),
        signOut: (opts) => signOut(deps, session, opts),
        oauth2Providers: (collection) => providerList.get(collection ?? config.auth.anonymous.collection),
        startOAuth2: (provider, opts) => startOAuth2(deps, ctx, session, provider, opts),
      };
      Object.assign(ctx, functions);
    },
    close() {
      deps.verifier.cache.clear();
    },
  };
}
