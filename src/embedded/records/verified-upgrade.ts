/**
 * @module embedded/records/verified-upgrade
 * When an auth record goes from unverified to verified, every OAuth2 identity
 * linked to it is unlinked, and if there were any its token key is renewed
 * (core/external_auth_model.go, "delete all pre-existing external auths on
 * verified upgrade"): links made while the email was unproven may be a
 * squatter's, and their sessions end with them.
 */
import type { Backend, Row } from '../context.js';
import type { CollectionJson, SqlValue } from '../filter/index.js';
import { newTokenKey } from '../ids.js';

/** Call inside the write, before the row is updated; may add a new tokenKey to `changes`. */
export function unlinkOnVerifiedUpgrade(backend: Backend, collection: CollectionJson, current: Row, changes: Record<string, SqlValue>): void {
  if (collection.type !== 'auth' || current.verified === 1 || changes.verified !== 1) return;
  const { changes: removed } = backend.db.prepare('DELETE FROM "_externalAuths" WHERE collectionRef = ? AND recordRef = ?').run(collection.id, current.id);
  if (removed > 0 && !('tokenKey' in changes && changes.tokenKey !== current.tokenKey)) changes.tokenKey = newTokenKey();
}
