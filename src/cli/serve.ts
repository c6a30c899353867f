/**
 * @module cli/serve
 * What `pbpages start` and `pbpages dev` share: load the config, bring up the
 * runtime (backend, set-up, auth extension), serve the pages, print the banner,
 * and shut both down cleanly on SIGINT/SIGTERM. With `--workers N` the cluster
 * (./workers.ts) takes over after the config is loaded.
 */
import { resolve } from 'node:path';
import { startApp, type AppOptions } from '../server/app.js';
import { createLogger } from '../server/request-log.js';
import { loadConfig } from './load-config.js';
import { createRuntime } from './runtime.js';
import { createSharedState } from './shared-state.js';
import { isWorkerProcess, servePrimary, serveWorker } from './workers.js';

export interface ServeOptions {
  dev: boolean;
  /** Page-server processes (`pbpages start --workers`); 1 serves in this process. */
  workers?: number;
  /** Dev mode's additions (live reload), given the pages folder and a reload hook. */
  devTools?: (pagesDir: string) => Promise<Pick<AppOptions, 'before' | 'inject'> & { watch(onChange: () => void): void; close(): Promise<void> }>;
}

export async function serve(options: ServeOptions): Promise<number> {
  const root = process.cwd();
  // JSON lines in production, readable ones in dev; written asynchronously either way.
  const logger = createLogger({ format: options.dev ? 'pretty' : 'json' });
  const log = (line: string) => logger.info(line);
  const config = await loadConfig(root, process.env);
  if (isWorkerProcess()) return exitSoon(await serveWorker({ root, config, logger, log }));
  if ((options.workers ?? 1) > 1) return exitSoon(await servePrimary({ root, config, logger, log, workers: options.workers ?? 1 }));
  let backendDied: (detail: string) => void = () => {};
  const died = new Promise<string>((resolve) => (backendDied = resolve));
  const shared = await createSharedState(config, 'single', log);
  const runtime = await createRuntime({ root, config, log, onBackendExit: (detail) => backendDied(detail), shared: shared.auth });
  const tools = options.devTools ? await options.devTools(resolve(root, config.pagesDir)) : undefined;
  let app;
  try {
    app = await startApp({ root, config, dev: options.dev, extensions: runtime.extensions, log, logger, pocketbaseUrl: runtime.pocketbaseUrl, ...(tools ? { before: tools.before, inject: tools.inject } : {}) });
  } catch (error) {
    await tools?.close();
    await runtime.close();
    await shared.close();
    throw error;
  }
  tools?.watch(() => {
    try {
      app.engine.reload();
    } catch (error) {
      log(`pbpages: ${(error as Error).message}`);
    }
  });
  // One write, so a reader of the pipe never sees the URL without the mode line.
  console.log(`pbpages: ${app.url}\n  mode: ${options.dev ? 'development (live reload)' : 'production'}${config.redisUrl ? ' (limits: redis)' : ''}; backend: ${runtime.pocketbaseUrl} (${runtime.backend})`);
  const signalled = new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  const backendExit = await Promise.race([signalled.then(() => undefined), died]);
  if (backendExit) console.error(`pbpages: stopping: the backend is gone. ${backendExit}`);
  await app.close();
  await tools?.close();
  await runtime.close();
  await shared.close();
  logger.flush();
  return exitSoon(backendExit ? 1 : 0);
}

/** Work a cut-off page left behind (a timer, a socket) or a cluster's IPC channel must not keep a stopped server alive. */
function exitSoon(code: number): number {
  setTimeout(() => process.exit(code), 500).unref();
  return code;
}
