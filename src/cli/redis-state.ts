/**
 * @module cli/redis-state
 * What several pbpages processes share through Redis (`REDIS_URL`): one
 * connection for commands (the rate limiters) and one subscribed to the
 * session-invalidation channel, so a sign-out everywhere in one process is
 * honoured by the others within milliseconds instead of `verifyCacheSeconds`.
 */
import { Redis } from 'ioredis';
import { recordIdPattern, type SessionInvalidation } from '../auth/session-invalidation.js';

export interface RedisState {
  client: Redis;
  invalidation: SessionInvalidation;
  close(): Promise<void>;
}

const channel = 'pbpages:sessions:forget-record';

/**
 * Connects (failing fast with a clear message when Redis does not answer at start;
 * later outages are retried by ioredis in the background).
 * @example
 * const redis = await connectRedis(process.env.REDIS_URL!);
 */
export async function connectRedis(url: string, log: (line: string) => void): Promise<RedisState> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  const subscriber = client.duplicate();
  // One line per outage, not one per reconnection attempt; ioredis keeps retrying in the background.
  let lastError: Error | undefined;
  let healthy = false;
  for (const connection of [client, subscriber]) {
    connection.on('error', (error: Error) => {
      lastError = error;
      if (healthy) log(`redis: ${redisHost(url)} unreachable (${error.message}); counting in this process's memory until it is back`);
      healthy = false;
    });
    connection.on('ready', () => {
      if (!healthy && lastError) log(`redis: ${redisHost(url)} reachable again`);
      healthy = true;
    });
  }
  try {
    await client.connect();
    await subscriber.connect();
  } catch (error) {
    client.disconnect();
    subscriber.disconnect();
    // The URL may hold a password: name only the host.
    throw new Error(`REDIS_URL: cannot reach Redis at ${redisHost(url)} (${(lastError ?? (error as Error)).message}).`);
  }
  lastError = undefined;
  const listeners: Array<(recordId: string) => void> = [];
  subscriber.on('message', (from: string, recordId: string) => {
    if (from === channel && recordIdPattern.test(recordId)) for (const forget of listeners) forget(recordId);
  });
  await subscriber.subscribe(channel);
  return {
    client,
    invalidation: {
      publish(recordId) {
        // A lost message leaves the other processes trusting their cache for at most verifyCacheSeconds.
        client.publish(channel, recordId).catch(() => {});
      },
      subscribe(forget) {
        listeners.push(forget);
      },
    },
    async close() {
      await Promise.allSettled([subscriber.quit(), client.quit()]);
    },
  };
}

function redisHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return '(an unparsable URL)';
  }
}
