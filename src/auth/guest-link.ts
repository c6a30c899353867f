/**
 * @module auth/guest-link
 * `linkWithPassword(email, password)`: turns the current guest into a
 * permanent account in place — same record id, same data — with the given
 * email and password, `anonymous: false`, and a verification mail requested.
 *
 * PocketBase does not let a record change its own email and password without
 * the old password (which the visitor never knew), so the change is made by the
 * superuser client. Changing the password rotates the record's tokenKey, which
 * kills the guest's old token; the visitor is signed in again with the new
 * credentials and gets a new cookie.
 */
import { AuthError } from './auth-error.js';
import { authEvents } from './auth-events.js';
import type { AuthDeps, SignedIn } from './auth-deps.js';
import { toAuthError } from './error-mapping.js';
import { isGuestEmail, isGuestRecord } from './guest-identity.js';
import { assertPasswordFits } from './password-length.js';
import type { RequestSession } from './request-session.js';

export async function linkWithPassword(
  deps: AuthDeps,
  session: RequestSession,
  email: string,
  password: string,
): Promise<SignedIn> {
  const guest = session.record;
  if (!session.token || !guest) throw new AuthError('not_signed_in', 401, 'There is no guest session to upgrade.');
  if (!isGuestRecord(guest, deps.auth.anonymous)) {
    throw new AuthError('not_anonymous', 400, 'Only a guest account can be upgraded.');
  }
  if (!deps.superuser) {
    throw new AuthError(
      'superuser_required',
      500,
      'Upgrading guests needs superuser credentials: set PB_SUPERUSER_EMAIL and PB_SUPERUSER_PASSWORD.',
    );
  }
  assertNotGuestEmail(email, deps);
  assertPasswordFits(password);
  const collection = guest.collectionName;
  const oldToken = session.token;
  try {
    await deps.superuser.run((pb) =>
      pb.collection(collection).update(guest.id, {
        email,
        password,
        passwordConfirm: password,
        anonymous: false,
        verified: false,
      }),
    );
  } catch (error) {
    throw toAuthError(error);
  }
  deps.verifier.cache.deleteRecord(guest.id);
  deps.verifier.cache.delete(oldToken);
  const pb = session.client();
  let signedIn: SignedIn;
  try {
    pb.authStore.clear();
    signedIn = await pb.collection(collection).authWithPassword(email, password);
  } catch (error) {
    throw toAuthError(error);
  }
  session.signIn(signedIn.token, signedIn.record);
  try {
    await pb.collection(collection).requestVerification(email);
  } catch {
    // The account is upgraded either way; the user can ask for the mail again.
    deps.log(`auth: verification mail for ${guest.id} could not be requested`);
  }
  authEvents.guestUpgraded.publish({ count: 1 });
  deps.log(`auth: guest ${guest.id} upgraded to a permanent account in "${collection}"`);
  return { token: signedIn.token, record: signedIn.record };
}

/** Refuses emails that would pass for a guest's (the guest domain with the guest prefix). */
export function assertNotGuestEmail(email: unknown, deps: AuthDeps): void {
  if (typeof email !== 'string' || isGuestEmail(email, deps.auth.anonymous)) {
    throw new AuthError('validation', 400, 'That email address is reserved for guest accounts.', {
      fields: { email: { code: 'validation_guest_email', message: 'This address is reserved for guest accounts.' } },
    });
  }
}
