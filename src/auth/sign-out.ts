/**
 * @module auth/sign-out
 * `signOut({ deleteGuest })`: ends the session (the cookie is cleared and the
 * token forgotten); for a guest it can also delete the record, since nobody can
 * ever sign in to it again. The delete is tried as the guest first (the default
 * `users` rules allow a record to delete itself), then as superuser.
 */
import type { AuthDeps } from './auth-deps.js';
import { toAuthError } from './error-mapping.js';
import { isGuestRecord } from './guest-identity.js';
import type { RequestSession } from './request-session.js';
import { isResponseError } from '../pocketbase/response-error.js';

export async function signOut(
  deps: AuthDeps,
  session: RequestSession,
  options: { deleteGuest?: boolean } = {},
): Promise<void> {
  const record = session.record;
  const deleteRecord = options.deleteGuest === true && isGuestRecord(record, deps.auth.anonymous);
  const pb = session.client();
  if (record && deleteRecord) {
    try {
      await pb.collection(record.collectionName).delete(record.id);
    } catch (error) {
      const refused = isResponseError(error) && (error.status === 403 || error.status === 404);
      if (!refused || !deps.superuser) throw toAuthError(error);
      try {
        await deps.superuser.run((su) => su.collection(record.collectionName).delete(record.id));
      } catch (suError) {
        throw toAuthError(suError);
      }
    }
  }
  session.signOut();
  if (record) {
    deps.verifier.cache.deleteRecord(record.id);
    deps.log(`auth: ${record.id} signed out${deleteRecord ? ' and the guest record deleted' : ''}`);
  }
}
