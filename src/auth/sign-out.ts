/**
 * @module auth/sign-out
 * `signOut({ deleteGuest, everywhere })`.
 *
 * Plain `signOut()` ends the session in this browser: the cookie is cleared and
 * this process forgets the token. The token itself is a JWT that stays valid
 * until it expires, so a copy of the cookie taken earlier still works.
 * `everywhere: true` revokes every token of the account the PocketBase way: the
 * record gets a new `tokenKey` (through the superuser client, since a record
 * cannot change its own), which invalidates all tokens signed with the old key.
 *
 * For a guest, `deleteGuest` also deletes the record, since nobody can ever sign
 * in to it again. The delete is tried as the guest first (the default `users`
 * rules allow a record to delete itself), then as superuser.
 */
import { randomBytes } from 'node:crypto';
import type { RecordModel } from 'pocketbase';
import { AuthError } from './auth-error.js';
import type { AuthDeps } from './auth-deps.js';
import { toAuthError } from './error-mapping.js';
import { isGuestRecord } from './guest-identity.js';
import type { RequestSession } from './request-session.js';
import { isResponseError } from '../pocketbase/response-error.js';

export interface SignOutOptions {
  /** Delete the record too when it is a guest's. */
  deleteGuest?: boolean;
  /** Revoke every token of the account, on every device (needs superuser credentials). */
  everywhere?: boolean;
}

export async function signOut(deps: AuthDeps, session: RequestSession, options: SignOutOptions = {}): Promise<void> {
  const record = session.record;
  const deleteRecord = options.deleteGuest === true && isGuestRecord(record, deps.auth.anonymous);
  if (record && deleteRecord) await deleteGuest(deps, session, record);
  else if (record && options.everywhere === true) await revokeAllTokens(deps, record);
  session.signOut();
  if (record) {
    deps.verifier.cache.deleteRecord(record.id);
    const what = deleteRecord ? ' and the guest record deleted' : options.everywhere === true ? ' everywhere' : '';
    deps.log(`auth: ${record.id} signed out${what}`);
  }
}

async function deleteGuest(deps: AuthDeps, session: RequestSession, record: RecordModel): Promise<void> {
  try {
    await session.client().collection(record.collectionName).delete(record.id);
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

/**
 * A new random `tokenKey` (PocketBase wants 30–60 characters, unique) ends every
 * token signed with the old one. On failure the session is kept, so the page
 * can say so and the visitor can try again.
 */
async function revokeAllTokens(deps: AuthDeps, record: RecordModel): Promise<void> {
  if (!deps.superuser) {
    throw new AuthError(
      'superuser_required',
      500,
      'Signing out everywhere needs superuser credentials: set PB_SUPERUSER_EMAIL and PB_SUPERUSER_PASSWORD.',
    );
  }
  const tokenKey = randomBytes(36).toString('base64url');
  try {
    await deps.superuser.run((su) => su.collection(record.collectionName).update(record.id, { tokenKey }));
  } catch (error) {
    throw toAuthError(error);
  }
}
