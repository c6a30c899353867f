/**
 * @module embedded/exclusive
 * A write transaction that may await (bcrypt, a provider's HTTP API) without
 * other requests writing inside it: while it is open, new requests wait at the
 * server's gate (`Backend.exclusive`). better-sqlite3's own `transaction()` is
 * synchronous only; nested ones inside become savepoints.
 */
import type { Backend } from './context.js';

export async function inExclusiveTransaction<T>(backend: Backend, work: () => Promise<T>): Promise<T> {
  while (backend.exclusive) await backend.exclusive;
  let release!: () => void;
  backend.exclusive = new Promise<void>((resolve) => (release = resolve));
  backend.db.exec('BEGIN IMMEDIATE');
  try {
    const result = await work();
    backend.db.exec('COMMIT');
    return result;
  } catch (error) {
    backend.db.exec('ROLLBACK');
    throw error;
  } finally {
    backend.exclusive = undefined;
    release();
  }
}

/** Waits while another request holds the write transaction. */
export async function passGate(backend: Backend): Promise<void> {
  while (backend.exclusive) await backend.exclusive;
}
