/**
 * @module auth/password-merge
 * `signInWithPassword` for a signed-in guest: after the account signs in, the
 * guest is merged into it (guest-merge), so notes written as a guest are not
 * orphaned. Off with `{ mergeGuest: false }` or `auth.anonymous.mergeOnSignIn:
 * false`. When the merge fails the guest's session is put back and the error
 * says nothing was changed.
 */
import type { AuthDeps, SignedIn } from './auth-deps.js';
import { isGuestRecord } from './guest-identity.js';
import { mergeGuest } from './guest-merge.js';
import { signInWithPassword, type CollectionOption } from './password-auth.js';
import type { RequestSession } from './request-session.js';
import type { ExtensionRequest } from '../pages/extension.js';

export interface SignInOptions extends CollectionOption {
  /** Merge a signed-in guest into the account (default: `auth.anonymous.mergeOnSignIn`). */
  mergeGuest?: boolean;
}

export async function signInWithPasswordMerging(
  deps: AuthDeps,
  request: ExtensionRequest,
  session: RequestSession,
  email: string,
  password: string,
  options: SignInOptions = {},
): Promise<SignedIn> {
  const { mergeGuest: wanted, ...rest } = options;
  const guest = isGuestRecord(session.record, deps.auth.anonymous) ? session.record : undefined;
  const guestToken = session.token;
  const signedIn = await signInWithPassword(deps, request, session, email, password, rest);
  const merge = wanted ?? deps.auth.anonymous.mergeOnSignIn;
  if (!guest || !guestToken || !merge || guest.id === signedIn.record.id || guest.collectionName !== signedIn.record.collectionName) return signedIn;
  try {
    await mergeGuest(deps, { guest, account: signedIn.record });
  } catch (error) {
    session.signIn(guestToken, guest);
    throw error;
  }
  return signedIn;
}
