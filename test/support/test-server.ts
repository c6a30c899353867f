/**
 * A backend server for a test, of the kind the suite runs against: the
 * embedded backend in this process, or a real PocketBase in a child process
 * started the way `pbpages start` starts it (`PB_BIN`), with the project's
 * `pb_hooks/`. Fresh temporary data dir, free port; `stop`/`restart` keep both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import PocketBase from 'pocketbase';
import { startManagedPocketBase } from '../../src/cli/managed-backend.js';
import { MemoryMailer, startEmbeddedBackend } from '../../src/embedded/index.js';
import { backendKind, requiredPocketbaseBinary } from './backend-kind.js';
import { recordOutput, registerSecret } from './output-capture.js';

export interface TestServer {
  url: string;
  port: number;
  dir: string;
  superuser: { email: string; password: string };
  /** Only with the embedded backend: the mails it would have sent. */
  mailer: MemoryMailer | undefined;
  logs: string[];
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** A signed-in superuser SDK client. */
  admin(): Promise<PocketBase>;
  close(): Promise<void>;
}

const hooksDir = resolve(import.meta.dirname, '../../pb_hooks');

export async function startTestServer(options: { superuser?: { email: string; password: string }; env?: NodeJS.ProcessEnv } = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), `pbpages-${backendKind}-`));
  const superuser = options.superuser ?? { email: 'root@pbpages.test', password: 'test-superuser-password-1' };
  registerSecret(superuser.password);
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    recordOutput(line);
  };
  const mailer = backendKind === 'embedded' ? new MemoryMailer() : undefined;
  const launch = async (port: number) => {
    if (backendKind === 'embedded') return startEmbeddedBackend({ dir, host: '127.0.0.1', port, superuser, mailer: mailer!, log });
    return startManagedPocketBase({ bin: requiredPocketbaseBinary(), dir, host: '127.0.0.1', port, superuser, hooksDir, migrationsDir: join(dir, 'pb_migrations'), log, ...(options.env ? { env: options.env } : {}) });
  };
  let running: { url: string; close(): Promise<void> } | undefined = await launch(0);
  const url = running.url;
  const port = Number(new URL(url).port);
  return {
    url, port, dir, superuser, mailer, logs,
    async stop() {
      await running?.close();
      running = undefined;
    },
    async restart() {
      running = await launch(port);
    },
    async admin() {
      const pb = new PocketBase(url);
      pb.autoCancellation(false);
      await pb.collection('_superusers').authWithPassword(superuser.email, superuser.password);
      return pb;
    },
    async close() {
      await running?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
