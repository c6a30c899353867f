/**
 * @module cli/runtime
 * Everything `pbpages start`/`dev` need around the page engine: the backend
 * (PB_URL; or a real PocketBase binary, PB_BIN, or the embedded backend, each
 * started here in a child process with its own superuser), schema set-up, the
 * auth extension and the daily guest prune.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { customAlphabet, nanoid } from 'nanoid';
import type { PbpagesConfig } from '../config.js';
import type { PageExtension } from '../pages/extension.js';
import type { AuthExtensionOptions } from '../auth/extension.js';
import { createAuthExtension } from '../auth/extension.js';
import { pruneGuests } from '../auth/guest-prune.js';
import { setupGuestSchema } from '../auth/guest-schema.js';
import { createSuperuserClient } from '../pocketbase/superuser-client.js';
import type { SuperuserClient, SuperuserCredentials } from '../pocketbase/superuser-client.js';
import { startEmbeddedProcess, startManagedPocketBase, type ManagedBackend } from './managed-backend.js';

export interface Runtime {
  pocketbaseUrl: string;
  /** Which backend answers, for the banner: `embedded (pbpages 0.1.0)`, `PocketBase 0.40.6`, `external`. */
  backend: string;
  /** The superuser set-up ran with (given, or generated for a managed backend); `--workers` hands it to the workers. */
  superuser: SuperuserCredentials | undefined;
  extensions: PageExtension[];
  close(): Promise<void>;
}

/** The file in the data dir holding the managed backend's generated superuser (mode 0600). */
export const superuserFileName = '.pbpages-superuser.json';
const dayMs = 24 * 3600 * 1000;
// Letters and digits only: the password goes on a command line (`pocketbase superuser upsert`).
const alphanumeric = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * @example
 * const runtime = await createRuntime({ root: process.cwd(), config, log: console.log });
 * await startApp({ root, config, dev: false, extensions: runtime.extensions, log });
 */
export async function createRuntime(options: {
  root: string;
  config: PbpagesConfig;
  log: (line: string) => void;
  /** A managed backend died while serving (its exit code and last log lines). */
  onBackendExit?: (detail: string) => void;
  /** Where limits and session invalidation live when several processes serve (./shared-state.ts). */
  shared?: Pick<AuthExtensionOptions, 'createLimiter' | 'invalidation'>;
}): Promise<Runtime> {
  const { root, config, log } = options;
  let managed: ManagedBackend | undefined;
  let credentials = config.superuser;
  if (!config.pocketbaseUrl) {
    const dir = resolve(root, config.dataDir);
    credentials ??= await generatedSuperuser(dir);
    const common = { dir, host: '127.0.0.1', port: config.backendPort, superuser: credentials, log, ...(options.onBackendExit ? { onExit: options.onBackendExit } : {}) };
    managed = config.pocketbaseBin
      ? await startManagedPocketBase({ ...common, bin: config.pocketbaseBin, hooksDir: resolve(root, 'pb_hooks'), migrationsDir: resolve(root, 'pb_migrations') })
      : await startEmbeddedProcess(common);
  }
  const pocketbaseUrl = managed?.url ?? config.pocketbaseUrl!;

  const superuser = credentials ? createSuperuserClient(pocketbaseUrl, credentials) : undefined;
  const collection = config.auth.anonymous.collection;
  if (superuser) {
    try {
      await setupGuestSchema({ superuser, root, collection, log });
    } catch (error) {
      log(`pbpages: warning: schema set-up failed (${errorText(error)}); run \`pbpages setup\` once it can reach the backend.`);
    }
  } else {
    log('pbpages: no superuser credentials (PB_SUPERUSER_EMAIL / PB_SUPERUSER_PASSWORD): skipping `pbpages setup`; guest upgrades are unavailable.');
  }

  const auth = createAuthExtension({ config, pocketbaseUrl, ...(credentials ? { superuser: credentials } : {}), log, ...options.shared });
  const timer = superuser && config.pruneGuestsDaily ? schedulePrune(superuser, config, log) : undefined;

  return {
    pocketbaseUrl,
    backend: managed?.description ?? 'external',
    superuser: credentials,
    extensions: [auth],
    async close() {
      if (timer) clearInterval(timer);
      auth.close();
      await managed?.close();
    },
  };
}

/** Prunes once now and then every 24 h; the timer does not keep the process alive. */
function schedulePrune(superuser: SuperuserClient, config: PbpagesConfig, log: (line: string) => void): NodeJS.Timeout {
  const anonymous = config.auth.anonymous;
  const run = (): void => {
    const cutoff = new Date(Date.now() - anonymous.retentionDays * dayMs);
    pruneGuests({ superuser, collection: anonymous.collection, cutoff, pattern: anonymous })
      .then((count) => log(`guests: pruned ${count} guest(s) older than ${anonymous.retentionDays} days`))
      .catch((error: unknown) => log(`guests: prune failed (${errorText(error)})`));
  };
  run();
  const timer = setInterval(run, dayMs);
  timer.unref();
  return timer;
}

/**
 * The managed backend's superuser (embedded or PB_BIN): read from the data dir,
 * or created there with a random password on first start. Only the file's owner
 * can read it.
 */
export async function generatedSuperuser(dataDir: string): Promise<SuperuserCredentials> {
  const path = join(dataDir, superuserFileName);
  try {
    const saved = JSON.parse(await readFile(path, 'utf8')) as Partial<SuperuserCredentials>;
    if (typeof saved.email === 'string' && typeof saved.password === 'string') {
      await chmod(path, 0o600);
      return { email: saved.email, password: saved.password };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  const credentials = { email: `superuser-${nanoid(10).toLowerCase().replace(/[^a-z0-9]/g, 'x')}@pbpages.local`, password: customAlphabet(alphanumeric, 32)() };
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return credentials;
}

/** An error's message for a log line: SDK errors carry only the backend's message, never credentials. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * How a one-off command (`setup`, `guests`) reaches a running backend: `PB_URL`
 * or the embedded backend's address, with `PB_SUPERUSER_*` credentials or the
 * embedded backend's saved superuser.
 */
export async function commandBackend(
  root: string,
  config: PbpagesConfig,
): Promise<{ pocketbaseUrl: string; credentials: SuperuserCredentials | undefined }> {
  const pocketbaseUrl = config.pocketbaseUrl ?? `http://127.0.0.1:${config.backendPort}`;
  let credentials = config.superuser;
  if (!credentials && !config.pocketbaseUrl) {
    const path = join(resolve(root, config.dataDir), superuserFileName);
    try {
      credentials = JSON.parse(await readFile(path, 'utf8')) as SuperuserCredentials;
    } catch {
      credentials = undefined;
    }
  }
  return { pocketbaseUrl, credentials };
}
