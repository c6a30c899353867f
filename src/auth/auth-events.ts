/**
 * @module auth/auth-events
 * What the auth layer announces for metrics: named `node:diagnostics_channel`
 * channels, so auth depends on no metrics library and publishing costs nothing
 * while nobody subscribes. Messages carry counts only, never a record or secret.
 *
 * @example
 * authEvents.guestCreated.publish({ count: 1 });
 * diagnostics_channel.subscribe(authEventNames.guestCreated, (message) => counter.inc());
 */
import { channel } from 'node:diagnostics_channel';

export const authEventNames = {
  guestCreated: 'pbpages:auth:guest-created',
  guestUpgraded: 'pbpages:auth:guest-upgraded',
  guestsPruned: 'pbpages:auth:guests-pruned',
  guestRateLimited: 'pbpages:auth:guest-rate-limited',
  backendError: 'pbpages:auth:backend-error',
} as const;

/** The payload of every auth event. */
export interface AuthEventMessage {
  count: number;
}

export const authEvents = {
  guestCreated: channel(authEventNames.guestCreated),
  guestUpgraded: channel(authEventNames.guestUpgraded),
  guestsPruned: channel(authEventNames.guestsPruned),
  guestRateLimited: channel(authEventNames.guestRateLimited),
  backendError: channel(authEventNames.backendError),
};
