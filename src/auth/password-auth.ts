/**
 * @module auth/password-auth
 * `signInWithPassword` and `registerWithPassword` for permanent accounts.
 * Registration refuses addresses shaped like guest emails, so a permanent user
 * can never be mistaken for a guest (and pruned).
 */
import type { AuthDeps, SignedIn } from './auth-deps.js';
import { toAuthError } from './error-mapping.js';
import { assertNotGuestEmail } from './guest-link.js';
import { assertPasswordFits } from './password-length.js';
import type { RequestSession } from './request-session.js';
import { createVisitorClient } from '../pocketbase/visitor-client.js';

export interface CollectionOption {
  collection?: string;
}

export async function signInWithPassword(
  deps: AuthDeps,
  session: RequestSession,
  email: string,
  password: string,
  options: CollectionOption = {},
): Promise<SignedIn> {
  const collection = options.collection ?? deps.auth.anonymous.collection;
  await deps.collections.require(collection);
  let signedIn: SignedIn;
  try {
    signedIn = await createVisitorClient(deps.pocketbaseUrl).collection(collection).authWithPassword(email, password);
  } catch (error) {
    throw toAuthError(error);
  }
  if (session.token) deps.verifier.cache.delete(session.token);
  session.signIn(signedIn.token, signedIn.record);
  deps.log(`auth: ${signedIn.record.id} signed in to "${collection}"`);
  return { token: signedIn.token, record: signedIn.record };
}

export async function registerWithPassword(
  deps: AuthDeps,
  session: RequestSession,
  email: string,
  password: string,
  options: CollectionOption = {},
): Promise<SignedIn> {
  const collection = options.collection ?? deps.auth.anonymous.collection;
  assertNotGuestEmail(email, deps);
  assertPasswordFits(password);
  await deps.collections.require(collection);
  try {
    await createVisitorClient(deps.pocketbaseUrl)
      .collection(collection)
      .create({ email, password, passwordConfirm: password, anonymous: false });
  } catch (error) {
    throw toAuthError(error);
  }
  return signInWithPassword(deps, session, email, password, { collection });
}
