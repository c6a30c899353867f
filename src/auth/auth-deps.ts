/**
 * @module auth/auth-deps
 * What the page context's auth functions share across requests: options,
 * the verifier and its cache, the rate limits, the collection checker,
 * the optional superuser client and the log.
 */
import type { AuthOptions } from '../config.js';
import type { SuperuserClient } from '../pocketbase/superuser-client.js';
import type { AuthCollections } from './auth-collections.js';
import type { GuestRateLimit } from './guest-rate-limit.js';
import type { SessionVerifier } from './session-verifier.js';
import type { SignInThrottle } from './sign-in-throttle.js';

export interface AuthDeps {
  auth: AuthOptions;
  pocketbaseUrl: string;
  verifier: SessionVerifier;
  collections: AuthCollections;
  guestRateLimit: GuestRateLimit;
  signInThrottle: SignInThrottle;
  superuser: SuperuserClient | undefined;
  /** One line per event; never given a secret. */
  log: (line: string) => void;
  /** The random part of guest emails (replaceable so tests can force a collision). */
  guestId: (() => string) | undefined;
}

/** What the functions that sign in resolve with. */
export interface SignedIn {
  token: string;
  record: import('pocketbase').RecordModel;
}
