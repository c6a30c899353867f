/**
 * @module auth/rate-limiter
 * The one seam where rate limiters are built: the rest of auth asks for a named
 * limiter with `points` per `durationSeconds` and never learns where the counts
 * live. Counts are in this process's memory (rate-limiter-flexible's
 * `RateLimiterMemory`, a fixed window starting at a key's first hit); a shared
 * store (Redis, node:cluster) plugs in here, with the same interface.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** A rate-limiter-flexible limiter: `consume`, `reward`, `get`, `delete`. */
export type Limiter = RateLimiterAbstract;

export interface LimitOptions {
  /** Hits allowed per window. */
  points: number;
  /** Length of the window, in seconds. */
  durationSeconds: number;
}

/** Builds the limiter called `name` (names keep separate limits apart in a shared store). */
export type LimiterFactory = (name: string, options: LimitOptions) => Limiter;

/**
 * @example
 * const perIp = createLimiter('sign-in-ip', { points: 20, durationSeconds: 900 });
 * await perIp.consume('203.0.113.7'); // rejects with a RateLimiterRes once 20 are used
 */
export const createLimiter: LimiterFactory = (name, { points, durationSeconds }) =>
  new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });

/** The seconds a refused caller should wait, from what a limiter rejected with; undefined for other errors. */
export function refusedFor(error: unknown): number | undefined {
  if (!(error instanceof RateLimiterRes)) return undefined;
  return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
}
