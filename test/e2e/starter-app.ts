/**
 * Starts the starter app the way a user does — `pbpages start` in a project
 * folder — but in a temporary folder (its own pb_data) on free ports.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { backendKind, requiredPocketbaseBinary } from '../support/backend-kind.js';
import { recordOutput } from '../support/output-capture.js';

const repo = resolve(import.meta.dirname, '../..');

/** With `PB_BACKEND=pocketbase` the app runs on the real server, as a user would run it: `PB_BIN=… pbpages start`. */
function managedPocketBase(): Record<string, string> {
  return backendKind === 'pocketbase' ? { PB_BIN: requiredPocketbaseBinary() } : {};
}

export interface RunningApp {
  url: string;
  root: string;
  /** Everything the app printed (checked for secrets by the tests). */
  output(): string;
  close(): Promise<void>;
}

export async function startStarterApp(options: { config?: string; env?: Record<string, string> } = {}): Promise<RunningApp> {
  const root = await mkdtemp(join(tmpdir(), 'pbpages-e2e-'));
  await symlink(join(repo, 'pages'), join(root, 'pages'));
  await symlink(join(repo, 'pb_schema.json'), join(root, 'pb_schema.json'));
  await symlink(join(repo, 'pb_hooks'), join(root, 'pb_hooks'));
  if (options.config) await writeFile(join(root, 'pbpages.config.mjs'), options.config);

  const child = spawn(process.execPath, [join(repo, 'bin/pbpages.js'), 'start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PB_PORT: '0', PB_DATA_DIR: join(root, 'pb_data'), ...managedPocketBase(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString();
    recordOutput(chunk.toString());
  };
  child.stdout.on('data', capture);
  child.stderr.on('data', capture);

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`pbpages start printed no URL in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /^pbpages: (http:\/\/127\.0\.0\.1:\d+)/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pbpages start exited with ${code}:\n${output}`));
    });
  });

  return {
    url,
    root,
    output: () => output,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
