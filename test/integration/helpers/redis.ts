/**
 * A throwaway redis-server on a free port (no persistence), for the tests of
 * shared state. Where redis-server is not installed the tests say so and are
 * skipped, except under CI=true, where that is a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort } from '../../../src/cli/backend-process.js';

export const redisServerBin = [process.env.REDIS_SERVER_BIN, ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'redis-server')), '/usr/bin/redis-server'].find(
  (path): path is string => Boolean(path && existsSync(path)),
);

export const redisMissingNotice = 'redis-server is not installed (apt-get install redis-server): the Redis tests of shared state are SKIPPED.';

/** Throws under CI=true when redis-server is missing; elsewhere prints a notice and reports whether to run. */
export function requireRedis(): boolean {
  if (redisServerBin) return true;
  if (process.env.CI === 'true') throw new Error(`${redisMissingNotice} CI must install it.`);
  console.warn(`NOTICE: ${redisMissingNotice}`);
  return false;
}


export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(redisServerBin!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}:\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
