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
import { registerWithPassword, signInWithPassword } from './password-auth.js';
import type { CollectionOption } from './password-auth.js';
import { GuestRateLimit } from './guest-rate-limit.js';
import { createLimiter } from './rate-limiter.js';
import type { LimiterFactory } from './rate-limiter.js';
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
  signInWithPassword(email: string, password: string, options?: CollectionOption): Promise<SignedIn>;
  registerWithPassword(email: string, password: string, options?: CollectionOption): Promise<SignedIn>;
  linkWithPassword(email: string, password: string): Promise<SignedIn>;
  signOut(options?: SignOutOptions): Promise<void>;
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

  return {
    name: 'auth',
    async extend(ctx: ExtensionContext) {
      assertSameOrigin(ctx.request, config.trustedOrigins);
      const session = new RequestSession(ctx, settings, deps.verifier);
      await session.load();
      const auth = { get: () => session.record, enumerable: true, configurable: true };
      Object.defineProperty(ctx.request, 'auth', auth);
      Object.defineProperty(ctx, 'auth', auth);
      Object.defineProperty(ctx, 'pb', { get: () => session.client(), enumerable: true, configurable: true });
      const functions: Omit<AuthContext, 'auth' | 'pb'> = {
        isAnonymous: () => isGuestRecord(session.record, config.auth.anonymous),
        signInAnonymously: (arg) => signInAnonymously(deps, ctx.request, session, arg),
        signInWithPassword: (email, password, opts) => signInWithPassword(deps, ctx.request, session, email, password, opts),
        registerWithPassword: (email, password, opts) => registerWithPassword(deps, ctx.request, session, email, password, opts),
        linkWithPassword: (email, password) => linkWithPassword(deps, session, email, password),
        signOut: (opts) => signOut(deps, session, opts),
      };
      Object.assign(ctx, functions);
    },
    close() {
      deps.verifier.cache.clear();
    },
  };
}
