/**
 * @module cli/managed-backend
 * The two backends `pbpages start` runs itself, each in its own process on a
 * data dir: the embedded backend (`pbpages backend`, the zero-config default)
 * and a real PocketBase binary (`PB_BIN`). Both get their superuser before they
 * serve, so set-up can run as soon as they answer.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, startBackendProcess, type BackendProcess } from './backend-process.js';

const run = promisify(execFile);
const cliEntry = fileURLToPath(new URL('../../bin/pbpages.js', import.meta.url));
const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));

export interface ManagedBackend extends BackendProcess {
  /** For the banner, e.g. `PocketBase 0.40.6` or `embedded (pbpages 0.1.0)`. */
  description: string;
}

export interface ManagedBackendOptions {
  dir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  superuser: { email: string; password: string };
  log: (line: string) => void;
  onExit?: (detail: string) => void;
}

/** The embedded backend as a child process: hostile request bodies are parsed off the page server's event loop. */
export async function startEmbeddedProcess(options: ManagedBackendOptions): Promise<ManagedBackend> {
  const port = options.port || (await freePort(options.host));
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  const backend = await startBackendProcess({
    name: 'backend',
    command: process.execPath,
    args: [cliEntry, 'backend', '--http', `${options.host}:${port}`, '--dir', options.dir],
    env: { ...process.env, PB_SUPERUSER_EMAIL: options.superuser.email, PB_SUPERUSER_PASSWORD: options.superuser.password },
    url: `http://${options.host}:${port}`,
    log: options.log,
    ipc: true,
    ...(options.onExit ? { onExit: options.onExit } : {}),
  });
  return { ...backend, description: `embedded (pbpages ${version})` };
}

/**
 * A real PocketBase: `superuser upsert` with the binary's own command, then
 * `serve --http --dir --hooksDir --migrationsDir`. Hooks are not watched: a
 * restart would drop the page server's requests mid-flight. Automigrate is off:
 * the schema lives in `pb_schema.json` (imported by set-up), and the default
 * migrations folder (beside the data dir) would otherwise collect files from
 * every collection change, shared by every data dir in the same parent folder.
 */
export async function startManagedPocketBase(
  options: ManagedBackendOptions & { bin: string; hooksDir?: string; migrationsDir: string; env?: NodeJS.ProcessEnv },
): Promise<ManagedBackend> {
  const version = await pocketbaseVersion(options.bin);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  try {
    // `--` ends the flags: a password may start with a dash.
    await run(options.bin, ['superuser', 'upsert', '--dir', options.dir, '--migrationsDir', options.migrationsDir, '--', options.superuser.email, options.superuser.password]);
  } catch (error) {
    // The command line holds the password: report only what the binary said, without it.
    const said = (error as { stderr?: string; stdout?: string }).stderr || (error as { stdout?: string }).stdout || '';
    throw new Error(`pocketbase superuser upsert failed in ${options.dir}: ${said.split(options.superuser.password).join('***').trim() || 'no output'}`);
  }
  const port = options.port || (await freePort(options.host));
  // The migrations folder is always explicit: PocketBase's default (beside the data dir) is shared by
  // every data dir in the same parent folder, /tmp included.
  const args = ['serve', '--http', `${options.host}:${port}`, '--dir', options.dir, '--migrationsDir', options.migrationsDir, '--hooksWatch=false', '--automigrate=false'];
  if (options.hooksDir && existsSync(options.hooksDir)) args.push('--hooksDir', options.hooksDir);
  const backend = await startBackendProcess({
    name: 'pocketbase',
    command: options.bin,
    args,
    env: { ...process.env, ...options.env },
    url: `http://${options.host}:${port}`,
    log: options.log,
    ...(options.onExit ? { onExit: options.onExit } : {}),
  });
  return { ...backend, description: `PocketBase ${version}` };
}

/** `0.40.6` from `pocketbase version 0.40.6`; a binary that will not run is a clear error. */
export async function pocketbaseVersion(bin: string): Promise<string> {
  try {
    const { stdout } = await run(bin, ['--version']);
    return /version\s+(\S+)/.exec(stdout)?.[1] ?? stdout.trim();
  } catch (error) {
    throw new Error(`PB_BIN=${bin} could not be run: ${(error as Error).message}`);
  }
}
