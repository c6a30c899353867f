/**
 * @module embedded
 * A PocketBase-compatible backend on SQLite, for development, tests and the
 * zero-config default of `pbpages start`. The rest of pbpages reaches it only
 * over HTTP through the official SDK, exactly as it reaches a real PocketBase.
 *
 * @example
 * const backend = await startEmbeddedBackend({ dir: './pb_data', port: 8090 });
 * // ... new PocketBase(backend.url) ...
 * await backend.close();
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { hashPassword } from './auth/passwords.js';
import type { Backend } from './context.js';
import { openDatabase, type Db } from './db.js';
import { newRecordId, newTokenKey, now } from './ids.js';
import { OutboxMailer, type Mailer } from './mailer.js';
import { Rows } from './records/rows.js';
import { CollectionStore } from './schema/collection-store.js';
import { newGate } from './exclusive.js';
import { createHandler } from './server.js';
import { SettingsStore } from './settings.js';

export { MemoryMailer, type Mailer, type MailMessage } from './mailer.js';

export interface EmbeddedBackendOptions {
  /** Data directory (created if missing); the database is `<dir>/data.db`. */
  dir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Created or updated on start. */
  superuser?: { email: string; password: string };
  mailer?: Mailer;
  /** Largest request body in bytes (PocketBase's default: 32 MiB). */
  bodyLimit?: number;
  log?: (line: string) => void;
}

export interface EmbeddedBackend {
  url: string;
  close(): Promise<void>;
}

async function upsert(db: Db, email: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  const existing = db.prepare('SELECT id FROM "_superusers" WHERE email = ?').get(email) as { id: string } | undefined;
  if (existing) {
    db.prepare('UPDATE "_superusers" SET password = ?, tokenKey = ?, updated = ? WHERE id = ?').run(hash, newTokenKey(), now(), existing.id);
  } else {
    const stamp = now();
    db.prepare('INSERT INTO "_superusers" (id, password, tokenKey, email, emailVisibility, verified, created, updated) VALUES (?, ?, ?, ?, 0, 1, ?, ?)')
      .run(newRecordId(), hash, newTokenKey(), email, stamp, stamp);
  }
}

/** `pbpages backend superuser upsert`: creates or updates a superuser in a data dir. */
export async function upsertSuperuser(dir: string, email: string, password: string): Promise<void> {
  const db = openDatabase(dir);
  try {
    new CollectionStore(db);
    await upsert(db, email, password);
  } finally {
    db.close();
  }
}

export async function startEmbeddedBackend(options: EmbeddedBackendOptions): Promise<EmbeddedBackend> {
  const db = openDatabase(options.dir);
  const collections = new CollectionStore(db);
  if (options.superuser) await upsert(db, options.superuser.email, options.superuser.password);
  const backend: Backend = {
    db,
    collections,
    rows: new Rows(db),
    settings: new SettingsStore(db),
    gate: newGate(),
    mailer: options.mailer ?? new OutboxMailer(join(options.dir, 'outbox')),
    log: options.log ?? ((line) => console.error(line)),
  };
  const server = createServer(createHandler(backend, options.bodyLimit ?? 32 * 1024 * 1024));
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}
