/**
 * @module auth/shared-rate-limit-store
 * A `RateLimitStore` over rate-limiter-flexible limiters, so the guest quota
 * can live where several processes see it: Redis (`RateLimiterRedis`) or the
 * cluster primary (`RateLimiterCluster`). Counting only: the limiters allow
 * any number of points, and `consumeRateLimit` decides, as with the memory
 * store. One limiter per window length, made on first use.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitStore } from './rate-limit.js';

/** Points a counting limiter allows: never reached, so `consume` never rejects for being over. */
export const countingPoints = Number.MAX_SAFE_INTEGER;

/**
 * @example
 * const store = createSharedRateLimitStore((windowSeconds) =>
 *   new RateLimiterRedis({ storeClient: redis, keyPrefix: `pbpages:guests:${windowSeconds}`, points: countingPoints, duration: windowSeconds }));
 */
export function createSharedRateLimitStore(limiterFor: (windowSeconds: number) => RateLimiterAbstract, now: () => number = Date.now): RateLimitStore {
  const limiters = new Map<number, RateLimiterAbstract>();
  return {
    async hit(key, windowSeconds) {
      let limiter = limiters.get(windowSeconds);
      if (!limiter) limiters.set(windowSeconds, (limiter = limiterFor(windowSeconds)));
      const result = await limiter.consume(key, 1);
      return { count: result.consumedPoints, resetAt: now() + result.msBeforeNext };
    },
  };
}
