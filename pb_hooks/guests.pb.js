/// <reference path="../pb_data/types.d.ts" />
/**
 * pbpages guest accounts on a real PocketBase: a daily cron that deletes stale
 * guests, and no verification, password-reset, email-change, OTP or login-alert
 * mail to guest addresses (they are random and nobody reads them).
 * Settings: PBPAGES_GUEST_COLLECTION, PBPAGES_GUEST_RETENTION_DAYS,
 * PBPAGES_GUEST_EMAIL_PREFIX, PBPAGES_GUEST_EMAIL_DOMAIN, and
 * PBPAGES_GUEST_PRUNE_SCHEDULE (cron, default daily at 03:17). A superuser can
 * run the prune now through PocketBase's crons API:
 * POST /api/crons/pbpages_prune_guests.
 * Each handler requires its helpers itself: PocketBase runs handlers in
 * isolated runtimes where top-level variables are not visible.
 */

cronAdd('pbpages_prune_guests', require(`${__hooks}/guests-logic.cjs`).settingsFromEnv((name) => $os.getenv(name)).pruneSchedule, () => {
  const logic = require(`${__hooks}/guests-logic.cjs`);
  const settings = logic.settingsFromEnv((name) => $os.getenv(name));
  let hasField;
  try {
    hasField = !!$app.findCollectionByNameOrId(settings.collection).fields.getByName('anonymous');
  } catch (_) {
    $app.logger().warn('pbpages: guest collection not found', 'collection', settings.collection);
    return;
  }
  const filter = hasField ? 'anonymous = true && created < {:cutoff}' : 'email ~ {:like} && created < {:cutoff}';
  const like = settings.emailPrefix + '%@' + settings.emailDomain;
  const deleted = logic.pruneStaleGuests({
    settings,
    now: new Date(),
    retentionDays: settings.retentionDays,
    find: (cutoff, limit) =>
      $app.findRecordsByFilter(settings.collection, filter, 'created', limit, 0, { cutoff, like }).map((raw) => ({
        anonymous: raw.get('anonymous'),
        email: raw.email(),
        raw,
      })),
    remove: (record) => $app.delete(record.raw),
  });
  $app.logger().info('pbpages: pruned stale guests', 'count', deleted, 'collection', settings.collection);
});

onMailerRecordVerificationSend((e) => {
  const logic = require(`${__hooks}/guests-logic.cjs`);
  const settings = logic.settingsFromEnv((name) => $os.getenv(name));
  if (logic.isGuest({ anonymous: e.record.get('anonymous'), email: e.record.email() }, settings)) return;
  e.next();
});

onMailerRecordPasswordResetSend((e) => {
  const logic = require(`${__hooks}/guests-logic.cjs`);
  const settings = logic.settingsFromEnv((name) => $os.getenv(name));
  if (logic.isGuest({ anonymous: e.record.get('anonymous'), email: e.record.email() }, settings)) return;
  e.next();
});

onMailerRecordEmailChangeSend((e) => {
  const logic = require(`${__hooks}/guests-logic.cjs`);
  const settings = logic.settingsFromEnv((name) => $os.getenv(name));
  if (logic.isGuest({ anonymous: e.record.get('anonymous'), email: e.record.email() }, settings)) return;
  e.next();
});

onMailerRecordOTPSend((e) => {
  const logic = require(`${__hooks}/guests-logic.cjs`);
  const settings = logic.settingsFromEnv((name) => $os.getenv(name));
  if (logic.isGuest({ anonymous: e.record.get('anonymous'), email: e.record.email() }, settings)) return;
  e.next();
});

onMailerRecordAuthAlertSend((e) => {
  const logic = require(`${__hooks}/guests-logic.cjs`);
  const settings = logic.settingsFromEnv((name) => $os.getenv(name));
  if (logic.isGuest({ anonymous: e.record.get('anonymous'), email: e.record.email() }, settings)) return;
  e.next();
});
