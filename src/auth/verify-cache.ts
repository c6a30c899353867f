/**
 * @module auth/verify-cache
 * Remembers, per token, that the backend accepted it and which record it
 * returned, so a signed-in page does not cost a backend round trip on every
 * request. Entries live `ttlSeconds` at most and never past the token's own
 * expiry; the map is bounded and evicts the least recently used entry.
 */
import type { RecordModel } from 'pocketbase';

export interface VerifiedSession {
  /** The token to use from now on: the one presented, or its refreshed successor. */
  token: string;
  /** The record as the backend returned it (never the cookie's copy). */
  record: RecordModel;
}

interface Entry {
  session: VerifiedSession;
  until: number;
  /** The presented token's `exp` (Unix seconds), kept so a hit needs no JWT decoding. */
  tokenExp: number;
}

export class VerifyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #onRecordForgotten: ((recordId: string) => void) | undefined;

  constructor(options: { ttlSeconds: number; maxEntries?: number; now?: () => number }) {
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get(token: string): VerifiedSession | undefined {
    return this.lookup(token)?.session;
  }

  /** The cached session with the presented token's expiry. */
  lookup(token: string): { session: VerifiedSession; tokenExp: number } | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.until <= this.#now()) {
      this.#entries.delete(token);
      return undefined;
    }
    // Re-insert so Map order tracks recent use.
    this.#entries.delete(token);
    this.#entries.set(token, entry);
    return entry;
  }

  /** Caches `session` for `token`, until the TTL or `tokenExp` (Unix seconds), whichever is sooner. */
  set(token: string, session: VerifiedSession, tokenExp: number): void {
    if (this.#ttlMs <= 0) return;
    const until = Math.min(this.#now() + this.#ttlMs, tokenExp * 1000);
    this.#entries.delete(token);
    this.#entries.set(token, { session, until, tokenExp });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** Forgets a token (signed out, upgraded, deleted) so it is not accepted from memory. */
  delete(token: string): void {
    this.#entries.delete(token);
  }

  /** Forgets every token of a record, e.g. after its password changed, here and (see `onRecordForgotten`) in the other processes. */
  deleteRecord(recordId: string): void {
    this.forgetRecord(recordId);
    this.#onRecordForgotten?.(recordId);
  }

  /** Forgets every token of a record in this process only: what another process's `deleteRecord` asks for. */
  forgetRecord(recordId: string): void {
    for (const [token, entry] of this.#entries) if (entry.session.record.id === recordId) this.#entries.delete(token);
  }

  /** Called after each `deleteRecord`, so the other page servers stop trusting the record's tokens from memory too. */
  onRecordForgotten(listener: (recordId: string) => void): void {
    this.#onRecordForgotten = listener;
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
