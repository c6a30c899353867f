/**
 * pbpages guest clean-up rules for a real PocketBase (JSVM), kept as plain
 * CommonJS functions without PocketBase globals so a unit test runs them in
 * Node. `guests.pb.js` wires them to PocketBase's cron and mailer hooks.
 *
 * A guest is a record with `anonymous = true`; in a collection without that
 * field, a record whose email has the guest pattern (prefix + @domain).
 */

/**
 * Settings from the environment, with pbpages' defaults. `getenv` returns '' when unset.
 * Retention may be fractional (tests prune guests seconds old); the schedule is a cron expression.
 */
function settingsFromEnv(getenv) {
  const days = Number.parseFloat(getenv('PBPAGES_GUEST_RETENTION_DAYS') || '');
  return {
    collection: getenv('PBPAGES_GUEST_COLLECTION') || 'users',
    emailPrefix: getenv('PBPAGES_GUEST_EMAIL_PREFIX') || 'anonymous-',
    emailDomain: getenv('PBPAGES_GUEST_EMAIL_DOMAIN') || 'example.com',
    retentionDays: Number.isFinite(days) && days > 0 ? days : 90,
    pruneSchedule: getenv('PBPAGES_GUEST_PRUNE_SCHEDULE') || '17 3 * * *',
  };
}

function isGuestEmail(email, settings) {
  if (typeof email !== 'string') return false;
  const lower = email.toLowerCase();
  const prefix = settings.emailPrefix.toLowerCase();
  const suffix = '@' + settings.emailDomain.toLowerCase();
  return lower.startsWith(prefix) && lower.endsWith(suffix) && lower.length > prefix.length + suffix.length;
}

/** `anonymous` as read from the record (null when the field is missing). */
function isGuest(record, settings) {
  if (record.anonymous === true || record.anonymous === false) return record.anonymous;
  return isGuestEmail(record.email, settings);
}

/** PocketBase's date format (`2006-01-02 15:04:05.000Z`) of `now` minus the retention. */
function cutoffDate(now, retentionDays) {
  const cutoff = new Date(now.getTime() - retentionDays * 86400000);
  return cutoff.toISOString().replace('T', ' ');
}

/**
 * Deletes guests created before the cutoff, in batches.
 * `find(cutoff, limit)` returns up to `limit` guest records created before
 * `cutoff` (each `{ anonymous, email, raw }`); `remove(record)` deletes one.
 * Returns the number deleted.
 */
function pruneStaleGuests(options) {
  const batchSize = options.batchSize || 200;
  const cutoff = cutoffDate(options.now, options.retentionDays);
  let deleted = 0;
  for (;;) {
    const batch = options.find(cutoff, batchSize);
    let removedInBatch = 0;
    for (const record of batch) {
      if (!isGuest(record, options.settings)) continue;
      options.remove(record);
      removedInBatch += 1;
    }
    deleted += removedInBatch;
    // A short batch is the last; a batch with nothing deletable would repeat forever.
    if (batch.length < batchSize || removedInBatch === 0) return deleted;
  }
}

module.exports = { settingsFromEnv, isGuestEmail, isGuest, cutoffDate, pruneStaleGuests };
