/**
 * @module auth/request-session
 * One request's session: the verified token and record, the visitor SDK client
 * (created on first use) and the cookie writes that follow every change, so
 * `auth` and `pb` reflect a sign-in for the rest of the request.
 */
import { BaseAuthStore } from 'pocketbase';
import type PocketBase from 'pocketbase';
import type { RecordModel } from 'pocketbase';
import type { ExtensionContext } from '../pages/extension.js';
import { createVisitorClient } from '../pocketbase/visitor-client.js';
import { clearSessionCookie, writeSessionCookie } from './session-cookie.js';
import type { SessionVerifier } from './session-verifier.js';

export interface SessionSettings {
  pocketbaseUrl: string;
  cookieName: string;
}

export class RequestSession {
  token: string | undefined;
  record: RecordModel | undefined;
  readonly #ctx: ExtensionContext;
  readonly #settings: SessionSettings;
  readonly #verifier: SessionVerifier;
  #client: PocketBase | undefined;

  constructor(ctx: ExtensionContext, settings: SessionSettings, verifier: SessionVerifier) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#verifier = verifier;
  }

  /**
   * Reads the token from `Authorization` (API clients) or the cookie (browsers)
   * and keeps it only if the backend accepts it. A rejected cookie is cleared;
   * an unreachable backend leaves it alone.
   */
  async load(): Promise<void> {
    const fromHeader = bearer(this.#ctx.request.headers.authorization);
    const token = fromHeader ?? this.#cookieToken();
    if (!token) return;
    const verdict = await this.#verifier.verify(token);
    if (verdict.kind === 'valid') {
      this.token = verdict.session.token;
      this.record = verdict.session.record;
      if (verdict.refreshed && fromHeader === undefined) this.#writeCookie();
    } else if (verdict.kind === 'rejected' && fromHeader === undefined) {
      this.#clearCookie();
    }
  }

  /** The visitor's SDK client; it follows later sign-ins and sign-outs of this request. */
  client(): PocketBase {
    this.#client ??= createVisitorClient(this.#settings.pocketbaseUrl, this.token, this.record);
    return this.#client;
  }

  signIn(token: string, record: RecordModel): void {
    this.token = token;
    this.record = record;
    this.#client?.authStore.save(token, record);
    this.#verifier.remember(token, record);
    this.#writeCookie();
  }

  signOut(): void {
    if (this.token) this.#verifier.cache.delete(this.token);
    this.token = undefined;
    this.record = undefined;
    this.#client?.authStore.clear();
    this.#clearCookie();
  }

  #cookieToken(): string | undefined {
    const header = this.#ctx.request.headers.cookie;
    if (!header) return undefined;
    // A bare store, not a whole client: this runs on every request.
    const store = new BaseAuthStore();
    try {
      store.loadFromCookie(header, this.#settings.cookieName);
    } catch {
      // The SDK throws on a cookie holding JSON `null` (its null check is `typeof data === null`):
      // treat it like any other unreadable cookie.
      store.clear();
    }
    // A cookie we could not parse is still ours to clear.
    if (!store.token && this.#settings.cookieName in this.#ctx.request.cookies()) this.#clearCookie();
    return store.token || undefined;
  }

  #writeCookie(): void {
    if (!this.token || !this.record) return;
    writeSessionCookie(this.#ctx.response, {
      name: this.#settings.cookieName,
      token: this.token,
      record: this.record,
      secure: this.#ctx.request.secure,
    });
  }

  #clearCookie(): void {
    clearSessionCookie(this.#ctx.response, { name: this.#settings.cookieName, secure: this.#ctx.request.secure });
  }
}

function bearer(header: string | undefined): string | undefined {
  const token = header?.replace(/^Bearer\s+/i, '').trim();
  return token || undefined;
}
