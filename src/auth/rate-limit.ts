/**
 * @module auth/rate-limit
 * Fixed-window rate limiting of guest creation. `RateLimitStore` is the seam:
 * the memory store serves one process; a shared store (Redis, the database)
 * plugs in for several.
 */
import { AuthError } from './auth-error.js';

export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  count: number;
  /** When the current window ends (ms since the epoch). */
  resetAt: number;
}

export interface RateLimitStore {
  /** Counts one hit for `key` in its window of `windowSeconds` and reports the total. */
  hit(key: string, windowSeconds: number): Promise<RateLimitHit>;
}

/** Keys kept before expired windows are swept (a bound on memory, not on clients). */
const sweepAbove = 10_000;

/**
 * One process's counters. Windows start at a key's first hit and restart on the
 * first hit after they end, like PocketBase's own limiter.
 * @example
 * const store = createMemoryRateLimitStore();
 * await store.hit('1.2.3.4', 3600); // { count: 1, resetAt: … }
 */
export function createMemoryRateLimitStore(now: () => number = Date.now): RateLimitStore {
  const windows = new Map<string, RateLimitHit>();
  return {
    async hit(key, windowSeconds) {
      const time = now();
      let window = windows.get(key);
      if (!window || window.resetAt <= time) {
        if (windows.size >= sweepAbove) sweep(windows, time);
        window = { count: 0, resetAt: time + windowSeconds * 1000 };
        windows.set(key, window);
      }
      window.count += 1;
      return { count: window.count, resetAt: window.resetAt };
    },
  };
}

function sweep(windows: Map<string, RateLimitHit>, time: number): void {
  for (const [key, window] of windows) if (window.resetAt <= time) windows.delete(key);
}

/**
 * Counts one guest creation for `key`; throws `rate_limited` (429, with
 * `retryAfter` in seconds) once more than `max` fall in one window.
 */
export async function consumeRateLimit(
  store: RateLimitStore,
  key: string,
  limit: { max: number; windowSeconds: number },
  now: () => number = Date.now,
): Promise<void> {
  const { count, resetAt } = await store.hit(key, limit.windowSeconds);
  if (count <= limit.max) return;
  const retryAfter = Math.max(1, Math.ceil((resetAt - now()) / 1000));
  throw new AuthError('rate_limited', 429, `Too many guest accounts from this address; try again in ${retryAfter} s.`, {
    retryAfter,
  });
}
