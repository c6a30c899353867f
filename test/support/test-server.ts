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
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

export interface TestServer {
  url: string;
  port: number;
  dir: string;
  superuser: { email: string; password: string };
  /** Mail the backend sent (embedded: its outbox; real PocketBase: a real SMTP sink). */
  mailbox: Mailbox;
  logs: string[];
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** A signed-in superuser SDK client. */
  admin(): Promise<PocketBase>;
  close(): Promise<void>;
}

const hooksDir = resolve(import.meta.dirname, '../../pb_hooks');

export interface Mailbox {
  /** The token of the newest mail of this kind to `to`, waiting up to 5 s for it (a real PocketBase may send after answering). */
  token(to: string, kind: 'verification' | 'passwordReset'): Promise<string>;
  /** How many mails went to `to` so far. */
  count(to: string): number;
}

/** Where a real PocketBase's default templates put the token: the admin UI's confirm links. */
const linkPattern = { verification: /confirm-verification\/([\w.-]+)/, passwordReset: /confirm-password-reset\/([\w.-]+)/ };

async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} arrived within 5 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function embeddedMailbox(mailer: MemoryMailer): Mailbox {
  return {
    token: (to, kind) => waitFor(() => mailer.messages.findLast((m) => m.to === to && m.kind === kind)?.token, `${kind} mail to ${to}`),
    count: (to) => mailer.messages.filter((m) => m.to === to).length,
  };
}

function smtpMailbox(sink: SmtpSink): Mailbox {
  return {
    token: (to, kind) =>
      waitFor(() => sink.received.findLast((m) => m.to === to && linkPattern[kind].test(m.text))?.text.match(linkPattern[kind])?.[1], `${kind} mail to ${to}`),
    count: (to) => sink.received.filter((m) => m.to === to).length,
  };
}

export async function startTestServer(options: { superuser?: { email: string; password: string }; env?: NodeJS.ProcessEnv } = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), `pbpages-${backendKind}-`));
  const superuser = options.superuser ?? { email: 'root@pbpages.test', password: 'test-superuser-password-1' };
  registerSecret(superuser.password);
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    recordOutput(line);
  };
  const mailer = new MemoryMailer();
  const sink = backendKind === 'pocketbase' ? await startSmtpSink() : undefined;
  const launch = async (port: number) => {
    if (backendKind === 'embedded') return startEmbeddedBackend({ dir, host: '127.0.0.1', port, superuser, mailer, log });
    return startManagedPocketBase({ bin: requiredPocketbaseBinary(), dir, host: '127.0.0.1', port, superuser, hooksDir, migrationsDir: join(dir, 'pb_migrations'), log, ...(options.env ? { env: options.env } : {}) });
  };
  let running: { url: string; close(): Promise<void> } | undefined = await launch(0);
  const url = running.url;
  const port = Number(new URL(url).port);
  const admin = async () => {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    await pb.collection('_superusers').authWithPassword(superuser.email, superuser.password);
    return pb;
  };
  if (sink) await sink.configure(await admin());
  return {
    url, port, dir, superuser, logs, admin,
    mailbox: sink ? smtpMailbox(sink) : embeddedMailbox(mailer),
    async stop() {
      await running?.close();
      running = undefined;
    },
    async restart() {
      running = await launch(port);
    },
    async close() {
      await running?.close();
      await sink?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
