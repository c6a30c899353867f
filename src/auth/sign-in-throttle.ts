/**
 * @module auth/sign-in-throttle
 * Throttles password guessing (`auth.signInRateLimit`): failed sign-ins and
 * registrations are counted per client IP and per account (collection + email,
 * lower-cased); past either limit, attempts are refused with `rate_limited`
 * (429, `retryAfter`) before they reach the backend, so a flood costs no bcrypt
 * work and real users keep their speed.
 *
 * Threat model: one address guessing many passwords hits the per-IP limit; many
 * addresses (a botnet, or spoofed X-Forwarded-For when `trustProxy` is on
 * without a proxy) guessing one account hit the per-account limit. The latter
 * also delays the owner for one window: the price of bounding guesses per
 * account. Each attempt is counted before it runs (so parallel requests cannot
 * overshoot) and given back when it was not a failure of the visitor's own.
 */
import type { SignInRateLimitOptions } from '../config.js';
import { AuthError } from './auth-error.js';
import type { Limiter, LimiterFactory } from './rate-limiter.js';
import { refusedFor } from './rate-limiter.js';

export interface AttemptKeys {
  /** The client's rate-limit key (see client-ip). */
  ip: string;
  /** The auth collection and the email tried. */
  collection: string;
  email: string;
}

/** Failures that are the visitor's: they count. A backend outage does not. */
const countedFailures = new Set(['invalid_credentials', 'validation', 'email_conflict']);

export class SignInThrottle {
  readonly #perIp: Limiter;
  readonly #perAccount: Limiter;

  constructor(createLimiter: LimiterFactory, limits: SignInRateLimitOptions) {
    this.#perIp = createLimiter('sign-in-ip', { points: limits.perIp.max, durationSeconds: limits.perIp.windowSeconds });
    this.#perAccount = createLimiter('sign-in-account', {
      points: limits.perAccount.max,
      durationSeconds: limits.perAccount.windowSeconds,
    });
  }

  /**
   * Runs `attempt` unless the IP or the account is over its limit. A success
   * clears the account's count and is not held against the IP unless
   * `countSuccess` (registrations: each creates an account).
   * @example
   * await throttle.guard({ ip, collection: 'users', email }, () => pb.collection('users').authWithPassword(email, pw));
   */
  async guard<T>(keys: AttemptKeys, attempt: () => Promise<T>, options: { countSuccess?: boolean } = {}): Promise<T> {
    const account = `${keys.collection}:${keys.email.trim().toLowerCase()}`;
    await this.#take(this.#perIp, keys.ip);
    try {
      await this.#take(this.#perAccount, account);
    } catch (error) {
      await this.#perIp.reward(keys.ip);
      throw error;
    }
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      if (!(error instanceof AuthError && countedFailures.has(error.code))) {
        await Promise.all([this.#perIp.reward(keys.ip), this.#perAccount.reward(account)]);
      }
      throw error;
    }
    await Promise.all([this.#perAccount.delete(account), options.countSuccess ? undefined : this.#perIp.reward(keys.ip)]);
    return result;
  }

  async #take(limiter: Limiter, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (error) {
      const retryAfter = refusedFor(error);
      if (retryAfter === undefined) throw error;
      throw new AuthError('rate_limited', 429, `Too many sign-in attempts; try again in ${retryAfter} s.`, { retryAfter });
    }
  }
}
