/**
 * @module auth/guest-merge
 * Merges a guest into an existing account: every record the config names as
 * guest-owned (`auth.anonymous.merge`, collection → relation field) is pointed
 * at the account, the optional `onMerge` hook adds its own requests, and the
 * guest record is deleted — all in ONE PocketBase batch request, which the
 * backend runs in a transaction: either everything happens or nothing does.
 *
 * Runs with the superuser client: the guest's records must move to an account
 * the guest cannot write as. Batch requests are off in a fresh PocketBase, so
 * the first merge turns them on (and raises `maxRequests` when a guest owns
 * more records than one batch may hold), and says so in the log.
 *
 * With nothing configured (no `merge` entry, no hook) the guest is not deleted:
 * its data would be cascade-deleted or orphaned. It stays until pruned.
 */
import type PocketBase from 'pocketbase';
import type { BatchService, RecordModel } from 'pocketbase';
import type { MergeBatch } from '../config.js';
import { AuthError } from './auth-error.js';
import type { AuthDeps } from './auth-deps.js';
import { toAuthError } from './error-mapping.js';

export interface MergeInput {
  guest: RecordModel;
  account: RecordModel;
  /** More requests for the same batch (the OAuth2 callback moves the identity link). */
  extra?: (batch: MergeBatch) => void;
}

/** The relation value after the guest's id is replaced by the account's (single or multiple relation). */
function moved(value: unknown, guestId: string, accountId: string): string | string[] {
  if (!Array.isArray(value)) return accountId;
  const ids = value.map(String).map((id) => (id === guestId ? accountId : id));
  return [...new Set(ids)];
}

/** The batch as hooks see it (only `collection(...)`), counting the requests added through it. */
function countingBatch(real: BatchService): { batch: MergeBatch & { send: BatchService['send'] }; count(): number } {
  let requests = 0;
  const batch = {
    collection(name: string) {
      const sub = real.collection(name);
      const counted = <A extends unknown[]>(add: (...args: A) => void) => (...args: A) => {
        requests++;
        add(...args);
      };
      return {
        create: counted(sub.create.bind(sub)),
        update: counted(sub.update.bind(sub)),
        upsert: counted(sub.upsert.bind(sub)),
        delete: counted(sub.delete.bind(sub)),
      };
    },
    send: real.send.bind(real),
  };
  return { batch, count: () => requests };
}

/** Turns PocketBase batch requests on (off in a fresh install) and makes room for `requests` of them. */
export async function ensureBatch(pb: PocketBase, requests: number, log: (line: string) => void): Promise<void> {
  const settings = (await pb.settings.getAll()) as { batch?: { enabled?: boolean; maxRequests?: number } };
  const batch = settings.batch ?? {};
  const maxRequests = batch.maxRequests ?? 0;
  if (batch.enabled && maxRequests >= requests) return;
  await pb.settings.update({ batch: { ...batch, enabled: true, maxRequests: Math.max(maxRequests, requests, 50) } });
  log(`auth: enabled PocketBase batch requests (maxRequests ${Math.max(maxRequests, requests, 50)}) for all-or-nothing guest merges`);
}

/**
 * @example
 * await mergeGuest(deps, { guest: session.record, account });
 */
export async function mergeGuest(deps: AuthDeps, input: MergeInput): Promise<void> {
  const { guest, account } = input;
  const superuser = deps.superuser;
  if (!superuser) {
    throw new AuthError('superuser_required', 500, 'Merging guests needs superuser credentials: set PB_SUPERUSER_EMAIL and PB_SUPERUSER_PASSWORD.');
  }
  const configured = Object.keys(deps.auth.anonymous.merge).length > 0 || deps.auth.anonymous.onMerge !== undefined;
  try {
    await superuser.run(async (pb) => {
      const { batch, count } = countingBatch(pb.createBatch());
      for (const [collection, field] of Object.entries(deps.auth.anonymous.merge)) {
        // `?~` (any item contains) finds the id in single and multiple relations alike, on PocketBase and
        // the embedded backend; ids have one length, so containing one means being it. `moved` is exact.
        const owned = await pb.collection(collection).getFullList({ filter: pb.filter(`${field} ?~ {:guest}`, { guest: guest.id }), fields: `id,${field}` });
        for (const record of owned) batch.collection(collection).update(record.id, { [field]: moved(record[field], guest.id, account.id) });
      }
      input.extra?.(batch);
      await deps.auth.anonymous.onMerge?.({ guest, account, batch });
      // Nothing configured to move: deleting the guest would delete (cascade) or orphan its data, so it
      // stays for the prune instead; only the extra requests (an identity link) are made.
      if (configured) batch.collection(guest.collectionName).delete(guest.id);
      if (count() === 0) return;
      await ensureBatch(pb, count(), deps.log);
      await batch.send();
    });
  } catch (error) {
    const mapped = toAuthError(error);
    if (mapped instanceof AuthError && (mapped.code === 'backend_unavailable' || mapped.code === 'superuser_required')) throw mapped;
    deps.log(`auth: merging guest ${guest.id} into ${account.id} failed; nothing was changed`);
    throw new AuthError('merge_failed', 409, 'Your guest data could not be moved to that account, so nothing was changed: you are still signed in as the guest.', { cause: error });
  }
  if (!configured) {
    deps.log(`auth: guest ${guest.id} left in place (nothing configured under auth.anonymous.merge)`);
    return;
  }
  deps.verifier.cache.deleteRecord(guest.id);
  deps.log(`auth: guest ${guest.id} merged into ${account.id}`);
}
