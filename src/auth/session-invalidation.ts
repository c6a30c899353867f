/**
 * @module auth/session-invalidation
 * The seam through which page-server processes tell each other to forget a
 * record's cached sessions (sign-out, upgrade, sign-out everywhere). Without it
 * another process would keep trusting a revoked token from its verification
 * cache for up to `verifyCacheSeconds`. Implementations: Redis pub/sub
 * (`REDIS_URL`) and the cluster's IPC channel (`--workers` without Redis).
 */

export interface SessionInvalidation {
  /** Tells the other processes that every token of `recordId` must be verified with the backend again. */
  publish(recordId: string): void;
  /** Runs `forget` for each record another process published. */
  subscribe(forget: (recordId: string) => void): void;
}

/** Record ids as PocketBase makes them (15 characters) or as a custom id may be; anything else in a message is dropped. */
export const recordIdPattern = /^[\w-]{1,64}$/;
