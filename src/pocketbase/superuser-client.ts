/**
 * @module pocketbase/superuser-client
 * The one privileged SDK client: upgrading guests (PocketBase does not let a
 * record change its own email and password without the old password), pruning
 * guests and provisioning the schema. It signs in lazily through
 * `_superusers/auth-with-password` and signs in again when the backend answers
 * 401 (token expired, or the backend restarted with new secrets).
 *
 * Threat model: this client holds a superuser token for the process lifetime.
 * It is never handed to page code; callers pass a function to `run`, and the
 * password is never logged or put into an error message.
 */
import type PocketBase from 'pocketbase';
import { isTokenExpired } from 'pocketbase';
import { isResponseError } from './response-error.js';
import { createVisitorClient } from './visitor-client.js';

export interface SuperuserCredentials {
  email: string;
  password: string;
}

export interface SuperuserClient {
  /** Runs `work` with a signed-in superuser client; retries once after re-signing in on 401. */
  run<T>(work: (pb: PocketBase) => Promise<T>): Promise<T>;
}

/** Seconds before expiry at which the superuser token is renewed ahead of use. */
const renewWithinSeconds = 60;

/**
 * @example
 * const su = createSuperuserClient(url, { email, password });
 * await su.run((pb) => pb.collections.getOne('users'));
 */
export function createSuperuserClient(url: string, credentials: SuperuserCredentials): SuperuserClient {
  const pb = createVisitorClient(url);
  let signingIn: Promise<void> | undefined;

  function signIn(): Promise<void> {
    // Concurrent callers share one sign-in instead of racing several.
    signingIn ??= pb
      .collection('_superusers')
      .authWithPassword(credentials.email, credentials.password)
      .then(() => undefined)
      .finally(() => {
        signingIn = undefined;
      });
    return signingIn;
  }

  function tokenUsable(): boolean {
    return pb.authStore.token !== '' && !isTokenExpired(pb.authStore.token, renewWithinSeconds);
  }

  return {
    async run(work) {
      if (!tokenUsable()) await signIn();
      try {
        return await work(pb);
      } catch (error) {
        if (!isResponseError(error) || error.status !== 401) throw error;
        pb.authStore.clear();
        await signIn();
        return work(pb);
      }
    },
  };
}
