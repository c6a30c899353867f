/**
 * Starts the starter app in-process the way `pbpages start` does (runtime +
 * server, the suite's kind of backend in a child process), on free ports with
 * a temporary data dir, and collects its log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveConfig, type UserConfig } from '../../../src/config.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { startApp } from '../../../src/server/app.js';
import { backendKind, requiredPocketbaseBinary } from '../../support/backend-kind.js';
import { recordOutput, registerSecret } from '../../support/output-capture.js';

export const repoRoot = resolve(import.meta.dirname, '../../..');

export interface TestApp {
  url: string;
  pocketbaseUrl: string;
  dataDir: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startTestApp(overrides: UserConfig = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pbpages-app-'));
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    recordOutput(line);
  };
  if (overrides.superuser?.password) registerSecret(overrides.superuser.password);
  // The suite's backend kind: a real PocketBase is started by the runtime itself, as `PB_BIN=… pbpages start` does.
  const managedPocketBase = backendKind === 'pocketbase' && !overrides.pocketbaseUrl ? { pocketbaseBin: requiredPocketbaseBinary() } : {};
  const config = resolveConfig({ port: 0, backendPort: 0, dataDir, ...managedPocketBase, ...overrides });
  const runtime = await createRuntime({ root: repoRoot, config, log });
  const app = await startApp({ root: repoRoot, config, extensions: runtime.extensions, pocketbaseUrl: runtime.pocketbaseUrl, log });
  return {
    url: app.url,
    pocketbaseUrl: runtime.pocketbaseUrl,
    dataDir,
    logs,
    async close() {
      await app.close();
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A form post as a browser on the app's own origin sends it; redirects are not followed. */
export function postForm(app: { url: string }, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(app.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: app.url, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The `name=value` pairs of a response's Set-Cookie headers, for the next request's Cookie header. */
export function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .filter((pair) => !pair.endsWith('='))
    .join('; ');
}
