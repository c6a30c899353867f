/**
 * @module cli/shared-state
 * Where the state that several page-server processes must share lives (guest
 * limits, session invalidation): Redis when `REDIS_URL` is set; the cluster
 * primary under `--workers` without it; this process's memory otherwise
 * (nothing changes for a single process).
 */
import { RateLimiterCluster, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { AuthExtensionOptions } from '../auth/extension.js';
import { countingPoints, createSharedRateLimitStore } from '../auth/shared-rate-limit-store.js';
import type { PbpagesConfig } from '../config.js';
import { clusterInvalidation, startClusterPrimaryState } from './cluster-state.js';
import { connectRedis } from './redis-state.js';

export type ProcessRole = 'single' | 'primary' | 'worker';

export interface SharedState {
  /** What the auth extension of this process is given. */
  auth: Pick<AuthExtensionOptions, 'rateLimitStore' | 'invalidation'>;
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
  // While the shared store is unreachable, each process counts in its own memory rather than failing sign-ins.
  const insurance = (duration: number) => new RateLimiterMemory({ points: countingPoints, duration });
  if (role === 'primary') {
    // The primary serves no pages; with Redis the workers connect themselves.
    if (!config.redisUrl) startClusterPrimaryState();
    return { auth: {}, description: config.redisUrl ? 'redis' : 'cluster', close: async () => {} };
  }
  if (config.redisUrl) {
    const redis = await connectRedis(config.redisUrl, log);
    const rateLimitStore = createSharedRateLimitStore(
      (duration) =>
        new RateLimiterRedis({ storeClient: redis.client, keyPrefix: `pbpages:guests:${duration}`, points: countingPoints, duration, insuranceLimiter: insurance(duration) }),
    );
    return { auth: { rateLimitStore, invalidation: redis.invalidation }, description: 'redis', close: () => redis.close() };
  }
  if (role === 'single') return { auth: {}, description: 'memory', close: async () => {} };
  const rateLimitStore = createSharedRateLimitStore(
    (duration) =>
      new RateLimiterCluster({ keyPrefix: `pbpages-guests-${duration}`, points: countingPoints, duration, timeoutMs: clusterTimeoutMs, insuranceLimiter: insurance(duration) }),
  );
  return { auth: { rateLimitStore, invalidation: clusterInvalidation() }, description: 'cluster', close: async () => {} };
}
