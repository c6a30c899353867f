/**
 * @module auth/password-auth
 * `signInWithPassword` and `registerWithPassword` for permanent accounts, both
 * throttled per client IP and per account (see sign-in-throttle).
 * Registration refuses addresses shaped like guest emails, so a permanent user
 * can never be mistaken for a guest (and pruned), and passwords longer than
 * bcrypt reads.
 */
import type { AuthDeps, SignedIn } from './auth-deps.js';
import { clientKey } from './client-ip.js';
import { toAuthError } from './error-mapping.js';
import { assertNotGuestEmail } from './guest-link.js';
import { assertPasswordFits } from './password-length.js';
import type { RequestSession } from './request-session.js';
import type { ExtensionRequest } from '../pages/extension.js';
import { createVisitorClient } from '../pocketbase/visitor-client.js';

export interface CollectionOption {
  collection?: string;
}

export async function signInWithPassword(
  deps: AuthDeps,
  request: ExtensionRequest,
  session: RequestSession,
  email: string,
  password: string,
  options: CollectionOption = {},
): Promise<SignedIn> {
  const collection = options.collection ?? deps.auth.anonymous.collection;
  await deps.collections.require(collection);
  const keys = { ip: clientKey(request, deps.auth.anonymous.trustProxy), collection, email: String(email) };
  const signedIn = await deps.signInThrottle.guard(keys, () => authenticate(deps, collection, email, password));
  return finishSignIn(deps, session, collection, signedIn);
}

export async function registerWithPassword(
  deps: AuthDeps,
  request: ExtensionRequest,
  session: RequestSession,
  email: string,
  password: string,
  options: CollectionOption = {},
): Promise<SignedIn> {
  const collection = options.collection ?? deps.auth.anonymous.collection;
  assertNotGuestEmail(email, deps);
  assertPasswordFits(password);
  await deps.collections.require(collection);
  const keys = { ip: clientKey(request, deps.auth.anonymous.trustProxy), collection, email };
  const signedIn = await deps.signInThrottle.guard(
    keys,
    async () => {
      try {
        await createVisitorClient(deps.pocketbaseUrl)
          .collection(collection)
          .create({ email, password, passwordConfirm: password, anonymous: false });
      } catch (error) {
        throw toAuthError(error);
      }
      return authenticate(deps, collection, email, password);
    },
    { countSuccess: true },
  );
  return finishSignIn(deps, session, collection, signedIn);
}

async function authenticate(deps: AuthDeps, collection: string, email: string, password: string): Promise<SignedIn> {
  try {
    return await createVisitorClient(deps.pocketbaseUrl).collection(collection).authWithPassword(email, password);
  } catch (error) {
    throw toAuthError(error);
  }
}

function finishSignIn(deps: AuthDeps, session: RequestSession, collection: string, signedIn: SignedIn): SignedIn {
  if (session.token) deps.verifier.cache.delete(session.token);
  session.signIn(signedIn.token, signedIn.record);
  deps.log(`auth: ${signedIn.record.id} signed in to "${collection}"`);
  return { token: signedIn.token, record: signedIn.record };
}
