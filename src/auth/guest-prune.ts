/**
 * @module auth/guest-prune
 * Deletes guest accounts never upgraded and created before a cutoff
 * (`pbpages guests prune`, and daily while `pbpages start` runs). Guests are
 * the records with `anonymous = true`; in a collection without that field,
 * records whose email has the guest pattern. Pages by id cursor, so deleting
 * while listing never skips a record.
 */
import type { SuperuserClient } from '../pocketbase/superuser-client.js';
import { authEvents } from './auth-events.js';
import { isGuestEmail } from './guest-identity.js';
import type { GuestPattern } from './guest-identity.js';
import { hasAnonymousField } from './guest-schema.js';

export interface PruneOptions {
  superuser: SuperuserClient;
  collection: string;
  /** Guests created before this moment are deleted. */
  cutoff: Date;
  pattern: GuestPattern;
  batchSize?: number;
}

/**
 * @returns how many guests were deleted
 * @example
 * await pruneGuests({ superuser, collection: 'users', cutoff: daysAgo(90), pattern: config.auth.anonymous });
 */
export async function pruneGuests(options: PruneOptions): Promise<number> {
  const { superuser, collection, cutoff, pattern } = options;
  const batchSize = options.batchSize ?? 200;
  const byField = await hasAnonymousField(superuser, collection);
  let lastId = '';
  let deleted = 0;
  for (;;) {
    const page = await superuser.run((pb) => {
      const guestClause = byField
        ? 'anonymous = true'
        : pb.filter('email ~ {:like}', { like: `${pattern.emailPrefix}%@${pattern.emailDomain}` });
      const filter = `${guestClause} && ${pb.filter('created < {:cutoff} && id > {:lastId}', { cutoff, lastId })}`;
      return pb.collection(collection).getList(1, batchSize, { filter, sort: 'id', fields: 'id,email', skipTotal: true });
    });
    for (const item of page.items) {
      if (!byField && !isGuestEmail(item['email'], pattern)) continue;
      await superuser.run((pb) => pb.collection(collection).delete(item.id));
      deleted += 1;
      authEvents.guestsPruned.publish({ count: 1 });
    }
    const last = page.items.at(-1);
    if (!last || page.items.length < batchSize) return deleted;
    lastId = last.id;
  }
}

/** Parses `90d`, `12h`, `30m` or `45s` into seconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([dhms])$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const unit = { d: 86_400, h: 3_600, m: 60, s: 1 }[match[2] as 'd' | 'h' | 'm' | 's'];
  return Number(match[1]) * unit;
}
