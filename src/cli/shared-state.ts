/**
 * @module cli/shared-state
 * Where the state that several page-server processes must share lives (the
 * guest and sign-in limits, session invalidation): Redis when `REDIS_URL` is
 * set; the cluster primary under `--workers` without it; this process's memory
 * otherwise (nothing changes for a single process). The limits plug into the
 * auth layer's limiter seam (`createLimiter`, src/auth/rate-limiter.ts), so
 * every throttle uses the same store.
 */
import { RateLimiterCluster, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { AuthExtensionOptions } from '../auth/extension.js';
import type { LimiterFactory } from '../auth/rate-limiter.js';
import type { PbpagesConfig } from '../config.js';
import { clusterInvalidation, startClusterPrimaryState } from './cluster-state.js';
import { connectRedis } from './redis-state.js';

export type ProcessRole = 'single' | 'primary' | 'worker';

export interface SharedState {
  /** What the auth extension of this process is given (nothing for one process: its defaults are memory). */
  auth: Pick<AuthExtensionOptions, 'createLimiter' | 'invalidation'>;
  /** Names the store, for the banner. */
  description: string;
  close(): Promise<void>;
}

/** How long a worker waits for the primary's count before counting in its own memory. */
const clusterTimeoutMs = 1_000;

/**
 * @example
 * const shared = await createSharedState(config, 'single', log);
 * const auth = createAuthExtension({ config, pocketbaseUrl, ...shared.auth });
 */
export async function createSharedState(config: PbpagesConfig, role: ProcessRole, log: (line: string) => void): Promise<SharedState> {
  if (role === 'primary') {
    // The primary serves no pages; with Redis the workers connect themselves.
    if (!config.redisUrl) startClusterPrimaryState();
    return { auth: {}, description: config.redisUrl ? 'redis' : 'cluster', close: async () => {} };
  }
  if (!config.redisUrl && role === 'single') return { auth: {}, description: 'memory', close: async () => {} };

  // While the shared store is unreachable, each process counts in its own memory rather than failing sign-ins.
  const insurance = (keyPrefix: string, points: number, duration: number) => new RateLimiterMemory({ keyPrefix, points, duration });
  if (config.redisUrl) {
    const redis = await connectRedis(config.redisUrl, log);
    const createLimiter: LimiterFactory = (name, { points, durationSeconds: duration }) =>
      new RateLimiterRedis({ storeClient: redis.client, keyPrefix: `pbpages:${name}`, points, duration, insuranceLimiter: insurance(name, points, duration) });
    return { auth: { createLimiter, invalidation: redis.invalidation }, description: 'redis', close: () => redis.close() };
  }
  const createLimiter: LimiterFactory = (name, { points, durationSeconds: duration }) =>
    new RateLimiterCluster({ keyPrefix: `pbpages-${name}`, points, duration, timeoutMs: clusterTimeoutMs, insuranceLimiter: insurance(name, points, duration) });
  return { auth: { createLimiter, invalidation: clusterInvalidation() }, description: 'cluster', close: async () => {} };
}
