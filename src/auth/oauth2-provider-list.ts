/**
 * @module auth/oauth2-provider-list
 * The providers behind `oauth2Providers()`, cached per collection so pages
 * that show "Continue with …" buttons (the home page) do not wait on the
 * backend on every render. A cached list is served for `freshMs`, then served
 * once more while a refresh runs in the background. With nothing cached yet,
 * a backend slower than `coldWaitMs` gets an empty list (no buttons) instead
 * of holding the page; the answer fills the cache for the next render.
 * `freshMs: 0` turns the cache off: every call waits for the backend.
 */
import type { OAuth2Provider } from './oauth2-start.js';

interface Entry {
  value: OAuth2Provider[] | undefined;
  freshUntil: number;
  pending: Promise<OAuth2Provider[]> | undefined;
}

export class ProviderList {
  readonly #load: (collection: string) => Promise<OAuth2Provider[]>;
  readonly #freshMs: number;
  readonly #coldWaitMs: number;
  readonly #entries = new Map<string, Entry>();

  constructor(load: (collection: string) => Promise<OAuth2Provider[]>, options: { freshMs?: number; coldWaitMs?: number } = {}) {
    this.#load = load;
    this.#freshMs = options.freshMs ?? 5_000;
    this.#coldWaitMs = options.coldWaitMs ?? 300;
  }

  async get(collection: string): Promise<OAuth2Provider[]> {
    if (this.#freshMs <= 0) return this.#load(collection);
    const entry = this.#entries.get(collection) ?? { value: undefined, freshUntil: 0, pending: undefined };
    this.#entries.set(collection, entry);
    if (entry.value && entry.freshUntil > Date.now()) return entry.value;
    entry.pending ??= this.#load(collection)
      .then((value) => {
        entry.value = value;
        entry.freshUntil = Date.now() + this.#freshMs;
        return value;
      })
      .finally(() => {
        entry.pending = undefined;
      });
    // Errors (unknown collection, backend down) reach the caller only when there is nothing to show instead.
    const refresh = entry.pending;
    if (entry.value) {
      refresh.catch(() => undefined);
      return entry.value;
    }
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<OAuth2Provider[]>((resolve) => {
      timer = setTimeout(() => resolve([]), this.#coldWaitMs);
    });
    try {
      return await Promise.race([refresh, slow]);
    } finally {
      clearTimeout(timer);
      refresh.catch(() => undefined);
    }
  }
}
