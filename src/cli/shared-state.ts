/**
 * @module cli/shared-state
 * Where the state that several page-server processes must share lives (guest
 * limits, session invalidation): Redis when `REDIS_URL` is set; the cluster
 * primary under `--workers` without it; this process's memory otherwise
 * (nothing changes for a single process). `limiter` makes any
 * rate-limiter-flexible limiter in that store, so every throttle shares it.
 */
import { RateLimiterCluster, RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuthExtensionOptions } from '../auth/extension.js';
import { countingPoints, createSharedRateLimitStore } from '../auth/shared-rate-limit-store.js';
import type { PbpagesConfig } from '../config.js';
import { clusterInvalidation, startClusterPrimaryState } from './cluster-state.js';
import { connectRedis } from './redis-state.js';

export type ProcessRole = 'single' | 'primary' | 'worker';

/** What a limiter is made from; `keyPrefix` must name one limit (it is its key space in the store). */
export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration?: number;
}

export interface SharedState {
  /** What the auth extension of this process is given. */
  auth: Pick<AuthExtensionOptions, 'rateLimitStore' | 'invalidation'>;
  /** A limiter in the shared store (memory in a single process). */
  limiter(options: LimiterOptions): RateLimiterAbstract;
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
  const memory = (options: LimiterOptions) => new RateLimiterMemory(options);
  if (role === 'primary') {
    // The primary serves no pages; with Redis the workers connect themselves.
    if (!config.redisUrl) startClusterPrimaryState();
    return { auth: {}, limiter: memory, description: config.redisUrl ? 'redis' : 'cluster', close: async () => {} };
  }
  if (!config.redisUrl && role === 'single') return { auth: {}, limiter: memory, description: 'memory', close: async () => {} };

  // While the shared store is unreachable, each process counts in its own memory rather than failing sign-ins.
  let limiter: (options: LimiterOptions) => RateLimiterAbstract;
  let rest: Pick<SharedState, 'description' | 'close'> & { invalidation: NonNullable<SharedState['auth']['invalidation']> };
  if (config.redisUrl) {
    const redis = await connectRedis(config.redisUrl, log);
    limiter = (options) => new RateLimiterRedis({ ...options, keyPrefix: `pbpages:${options.keyPrefix}`, storeClient: redis.client, insuranceLimiter: memory(options) });
    rest = { invalidation: redis.invalidation, description: 'redis', close: () => redis.close() };
  } else {
    limiter = (options) => new RateLimiterCluster({ ...options, timeoutMs: clusterTimeoutMs, insuranceLimiter: memory(options) });
    rest = { invalidation: clusterInvalidation(), description: 'cluster', close: async () => {} };
  }
  const rateLimitStore = createSharedRateLimitStore((duration) => limiter({ keyPrefix: `guests-${duration}`, points: countingPoints, duration }));
  return { auth: { rateLimitStore, invalidation: rest.invalidation }, limiter, description: rest.description, close: rest.close };
}
