/**
 * @module cli/load-config
 * The project's configuration: `pbpages.config.{ts,js,mjs}` in the project
 * root (optional; a default export of `defineConfig({...})` or a plain
 * object), then the environment on top: PORT, HOST, PB_URL, PB_BIN, PB_PORT,
 * PB_DATA_DIR, PB_SUPERUSER_EMAIL + PB_SUPERUSER_PASSWORD, REDIS_URL.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, type PbpagesConfig, type UserConfig } from '../config.js';
import { importModule } from '../pages/modules.js';

const configFiles = ['pbpages.config.ts', 'pbpages.config.mjs', 'pbpages.config.js'];

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number (0-65535), got "${value}".`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv): Partial<PbpagesConfig> {
  const out: Partial<PbpagesConfig> = {};
  const appPort = port(env.PORT, 'PORT');
  const backendPort = port(env.PB_PORT, 'PB_PORT');
  if (appPort !== undefined) out.port = appPort;
  if (env.HOST) out.host = env.HOST;
  if (env.PB_URL) out.pocketbaseUrl = env.PB_URL.replace(/\/+$/, '');
  if (env.PB_BIN) out.pocketbaseBin = env.PB_BIN;
  if (backendPort !== undefined) out.backendPort = backendPort;
  if (env.PB_DATA_DIR) out.dataDir = env.PB_DATA_DIR;
  if (env.REDIS_URL) out.redisUrl = env.REDIS_URL;
  if (env.PB_SUPERUSER_EMAIL && env.PB_SUPERUSER_PASSWORD) {
    out.superuser = { email: env.PB_SUPERUSER_EMAIL, password: env.PB_SUPERUSER_PASSWORD };
  }
  return out;
}

export async function loadConfig(root: string, env: NodeJS.ProcessEnv): Promise<PbpagesConfig> {
  const file = configFiles.map((name) => join(root, name)).find((path) => existsSync(path));
  let user: UserConfig = {};
  if (file) {
    const module = await importModule(file);
    const value = module.default;
    if (!value || typeof value !== 'object') throw new Error(`${file} must export a config object (export default defineConfig({...})).`);
    user = value as UserConfig;
  }
  return { ...resolveConfig(user), ...configFromEnv(env) };
}
