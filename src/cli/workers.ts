/**
 * @module cli/workers
 * `pbpages start --workers N`: N page-server processes (node:cluster) on one
 * port. The primary owns everything that must exist once — the backend, schema
 * set-up, the daily prune — and forks workers that only serve pages, reaching
 * the backend at the URL (and with the superuser) it hands them through the
 * environment. A worker that dies is replaced; SIGTERM drains every worker,
 * then stops the backend. A metrics scrape answered by any worker covers all
 * of them (./cluster-metrics.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { createAuthExtension } from '../auth/extension.js';
import type { PbpagesConfig } from '../config.js';
import { startApp } from '../server/app.js';
import { createMetrics } from '../server/metrics.js';
import type { Logger } from '../server/request-log.js';
import { aggregateClusterMetrics, workerMetrics } from './cluster-metrics.js';
import { createRuntime } from './runtime.js';
import { createSharedState } from './shared-state.js';

export interface ClusterOptions {
  root: string;
  config: PbpagesConfig;
  logger: Logger;
  log: (line: string) => void;
}

/** Extra time, past a worker's own drain timeout, before the primary kills it. */
const killAfterDrainMs = 5_000;

/**
 * The worker count of `--workers`: a whole number from 1, or `auto` (one per core).
 * @example
 * parseWorkers(['--workers', 'auto']); // 2 on a two-core machine
 */
export function parseWorkers(args: string[]): number {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--workers') value = args[++i] ?? '';
    else if (arg.startsWith('--workers=')) value = arg.slice('--workers='.length);
    else throw new Error(`unknown option "${arg}" (pbpages start takes --workers N|auto).`);
  }
  if (value === undefined) return 1;
  if (value === 'auto') return availableParallelism();
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1) throw new Error(`--workers takes a whole number from 1 or "auto", got "${value}".`);
  return count;
}

/** True in a process forked by `servePrimary`. */
export const isWorkerProcess = (): boolean => cluster.isWorker;

/**
 * The primary: backend, set-up and prune once, then `workers` page servers.
 * Resolves to the exit code once every worker and the backend are stopped.
 */
export async function servePrimary(options: ClusterOptions & { workers: number }): Promise<number> {
  const { root, config, log, workers } = options;
  let backendDied: (detail: string) => void = () => {};
  const died = new Promise<string>((resolve) => (backendDied = resolve));
  const shared = await createSharedState(config, 'primary', log);
  // The primary serves no pages but counts the prune, and sums every worker's metrics for a scrape.
  const metrics = config.metrics.enabled ? createMetrics(config.metrics) : undefined;
  if (metrics) aggregateClusterMetrics(metrics);
  const runtime = await createRuntime({ root, config, log, onBackendExit: (detail) => backendDied(detail) });
  // The workers' PB_URL and superuser: the backend started here, never a second one.
  const env: Record<string, string> = { PB_URL: runtime.pocketbaseUrl };
  if (runtime.superuser) Object.assign(env, { PB_SUPERUSER_EMAIL: runtime.superuser.email, PB_SUPERUSER_PASSWORD: runtime.superuser.password });

  let stopping = false;
  const fork = (): Worker => {
    const worker = cluster.fork(env);
    let listening = false;
    worker.once('listening', () => (listening = true));
    worker.once('exit', (code, signal) => {
      if (stopping) return;
      const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
      if (!listening) {
        failed(`pbpages: worker ${worker.process.pid} ${how} before it served; stopping.`);
        return;
      }
      log(`pbpages: worker ${worker.process.pid} ${how}; starting a new one`);
      fork();
    });
    return worker;
  };
  let failed: (detail: string) => void = () => {};
  const failure = new Promise<string>((resolve) => (failed = resolve));

  const started = Array.from({ length: workers }, fork);
  const ready = Promise.all(started.map((worker) => new Promise<number>((resolve) => worker.once('listening', (address) => resolve(address.port)))));
  const outcome = await Promise.race([ready, failure, died]);
  if (Array.isArray(outcome)) {
    console.log(`pbpages: http://${config.host}:${outcome[0]}\n  mode: production, ${workers} workers (limits: ${shared.description}); backend: ${runtime.pocketbaseUrl} (${runtime.backend})`);
  }
  const stop =
    typeof outcome === 'string'
      ? outcome
      : await Promise.race([
          new Promise<undefined>((done) => {
            process.once('SIGINT', () => done(undefined));
            process.once('SIGTERM', () => done(undefined));
          }),
          failure,
          died.then((detail) => `pbpages: stopping: the backend is gone. ${detail}`),
        ]);
  if (stop) console.error(stop);
  stopping = true;
  await stopWorkers(config.shutdownTimeoutSeconds * 1000 + killAfterDrainMs);
  await runtime.close();
  await shared.close();
  metrics?.close();
  options.logger.flush();
  return stop ? 1 : 0;
}

/** SIGTERM to every worker (each drains its requests), SIGKILL to any still running after `killAfterMs`. */
async function stopWorkers(killAfterMs: number): Promise<void> {
  const running = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && !worker.isDead());
  await Promise.all(
    running.map(
      (worker) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => worker.process.kill('SIGKILL'), killAfterMs);
          worker.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          worker.process.kill('SIGTERM');
        }),
    ),
  );
}

/** A worker: the page server and the auth extension against the primary's backend; drains on SIGTERM or when the primary goes. */
export async function serveWorker(options: ClusterOptions): Promise<number> {
  const { root, config, log, logger } = options;
  const pocketbaseUrl = config.pocketbaseUrl;
  if (!pocketbaseUrl) throw new Error('pbpages worker started without PB_URL from its primary.');
  const shared = await createSharedState(config, 'worker', log);
  const auth = createAuthExtension({ config, pocketbaseUrl, ...(config.superuser ? { superuser: config.superuser } : {}), log, ...shared.auth });
  const metrics = config.metrics.enabled ? workerMetrics((gather) => createMetrics({ ...config.metrics, gather })) : undefined;
  const app = await startApp({ root, config, extensions: [auth], log, logger, pocketbaseUrl, ...(metrics ? { metrics } : {}) });
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    // The primary is gone (even killed): nobody will route to or stop this worker.
    cluster.worker?.once('disconnect', done);
  });
  await app.close();
  auth.close();
  await shared.close();
  logger.flush();
  return 0;
}
