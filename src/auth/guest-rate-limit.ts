/**
 * @module auth/guest-rate-limit
 * Guest creations per client IP (IPv6 by /64, see client-ip) per window,
 * `auth.anonymous.rateLimit`: creating users is a write any visitor can trigger.
 */
import type { AnonymousOptions } from '../config.js';
import { AuthError } from './auth-error.js';
import { authEvents } from './auth-events.js';
import { refusedFor } from './rate-limiter.js';
import type { LimiterFactory } from './rate-limiter.js';

export class GuestRateLimit {
  readonly #limiter;

  constructor(createLimiter: LimiterFactory, limit: AnonymousOptions['rateLimit']) {
    this.#limiter = createLimiter('guest-create', { points: limit.max, durationSeconds: limit.windowSeconds });
  }

  /** Counts one guest creation for `key`; throws `rate_limited` (429, `retryAfter`) past the limit. */
  async consume(key: string): Promise<void> {
    try {
      await this.#limiter.consume(key);
    } catch (error) {
      const retryAfter = refusedFor(error);
      if (retryAfter === undefined) throw error;
      authEvents.guestRateLimited.publish({ count: 1 });
      throw new AuthError('rate_limited', 429, `Too many guest accounts from this address; try again in ${retryAfter} s.`, {
        retryAfter,
      });
    }
  }
}
