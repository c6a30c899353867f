/**
 * @module cli/cluster-state
 * What `--workers` processes share without Redis, over the cluster's IPC
 * channel: the rate-limit counters (rate-limiter-flexible's
 * `RateLimiterClusterMaster` in the primary, `RateLimiterCluster` in workers)
 * and session invalidation (a worker's message, relayed by the primary to the
 * other workers).
 */
import cluster from 'node:cluster';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import { recordIdPattern, type SessionInvalidation } from '../auth/session-invalidation.js';

interface ForgetRecord {
  pbpages: 'forget-record';
  recordId: string;
}

function isForgetRecord(message: unknown): message is ForgetRecord {
  const m = message as Partial<ForgetRecord> | null;
  return typeof m === 'object' && m !== null && m.pbpages === 'forget-record' && typeof m.recordId === 'string' && recordIdPattern.test(m.recordId);
}

/** In the primary, before forking: holds the shared counters and relays invalidations between workers. */
export function startClusterPrimaryState(): void {
  new RateLimiterClusterMaster();
  cluster.on('message', (from, message: unknown) => {
    if (!isForgetRecord(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) if (worker && worker !== from && worker.isConnected()) worker.send(message);
  });
}

/** In a worker: session invalidation through the primary. */
export function clusterInvalidation(): SessionInvalidation {
  return {
    publish(recordId) {
      const message: ForgetRecord = { pbpages: 'forget-record', recordId };
      process.send?.(message);
    },
    subscribe(forget) {
      process.on('message', (message: unknown) => {
        if (isForgetRecord(message)) forget(message.recordId);
      });
    },
  };
}
