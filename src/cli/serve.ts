/**
 * @module cli/serve
 * What `pbpages start` and `pbpages dev` share: load the config, bring up the
 * runtime (backend, set-up, auth extension), serve the pages, print the banner,
 * and shut both down cleanly on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { startApp, type AppOptions } from '../server/app.js';
import { loadConfig } from './load-config.js';
import { createRuntime } from './runtime.js';

export interface ServeOptions {
  dev: boolean;
  /** Dev mode's additions (live reload), given the pages folder and a reload hook. */
  devTools?: (pagesDir: string) => Promise<Pick<AppOptions, 'before' | 'inject'> & { watch(onChange: () => void): void; close(): Promise<void> }>;
}

export async function serve(options: ServeOptions): Promise<number> {
  const root = process.cwd();
  const log = (line: string) => console.log(line);
  const config = await loadConfig(root, process.env);
  let backendDied: (detail: string) => void = () => {};
  const died = new Promise<string>((resolve) => (backendDied = resolve));
  const runtime = await createRuntime({ root, config, log, onBackendExit: (detail) => backendDied(detail) });
  const tools = options.devTools ? await options.devTools(resolve(root, config.pagesDir)) : undefined;
  let app;
  try {
    app = await startApp({ root, config, dev: options.dev, extensions: runtime.extensions, log, ...(tools ? { before: tools.before, inject: tools.inject } : {}) });
  } catch (error) {
    await tools?.close();
    await runtime.close();
    throw error;
  }
  tools?.watch(() => {
    try {
      app.engine.reload();
    } catch (error) {
      log(`pbpages: ${(error as Error).message}`);
    }
  });
  console.log(`pbpages: ${app.url}`);
  console.log(`  mode: ${options.dev ? 'development (live reload)' : 'production'}; backend: ${runtime.pocketbaseUrl} (${runtime.backend})`);
  const signalled = new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  const backendExit = await Promise.race([signalled.then(() => undefined), died]);
  if (backendExit) console.error(`pbpages: stopping: the backend is gone. ${backendExit}`);
  await app.close();
  await tools?.close();
  await runtime.close();
  return backendExit ? 1 : 0;
}
