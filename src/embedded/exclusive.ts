/**
 * @module embedded/exclusive
 * A write transaction that may await (bcrypt, a provider's HTTP API) without
 * any other request writing inside it. better-sqlite3's own `transaction()` is
 * synchronous only (nested ones inside become savepoints), and every request
 * shares one connection, so a request's write made while the transaction is
 * open would commit or roll back with it.
 *
 * Requests hold a shared pass while they run (`enterShared`/`leaveShared`);
 * an exclusive section first stops new ones at the gate, then waits until the
 * running ones have finished. A request that asks for the exclusive section
 * gives up its own pass while it waits, so two of them never wait on each other.
 */
import type { Backend } from './context.js';

export interface Gate {
  /** Requests inside `route` right now. */
  active: number;
  /** Set while an exclusive section is waiting or running; new requests wait for it. */
  exclusive: Promise<void> | undefined;
  /** Called when `active` drops to 0 (the waiting exclusive section). */
  idle: (() => void) | undefined;
}

export const newGate = (): Gate => ({ active: 0, exclusive: undefined, idle: undefined });

export async function enterShared(backend: Backend): Promise<void> {
  while (backend.gate.exclusive) await backend.gate.exclusive;
  backend.gate.active++;
}

export function leaveShared(backend: Backend): void {
  backend.gate.active--;
  if (backend.gate.active === 0) backend.gate.idle?.();
}

/** Runs `work` inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on error) with no other request running. Call from a request holding a pass. */
export async function inExclusiveTransaction<T>(backend: Backend, work: () => Promise<T>): Promise<T> {
  const gate = backend.gate;
  leaveShared(backend);
  while (gate.exclusive) await gate.exclusive;
  let release!: () => void;
  gate.exclusive = new Promise<void>((resolve) => (release = resolve));
  if (gate.active > 0) await new Promise<void>((resolve) => (gate.idle = resolve));
  gate.idle = undefined;
  backend.db.exec('BEGIN IMMEDIATE');
  try {
    const result = await work();
    backend.db.exec('COMMIT');
    return result;
  } catch (error) {
    backend.db.exec('ROLLBACK');
    throw error;
  } finally {
    gate.exclusive = undefined;
    gate.active++;
    release();
  }
}
