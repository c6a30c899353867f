/**
 * @module auth/session-verifier
 * Decides whether a presented token is a live session, asking the backend
 * (`auth-refresh`) only when the cache has no fresh verdict.
 *
 * Threat model: the cookie is unsigned JSON written by the client. Nothing in
 * it is trusted: the token must be an unexpired `type: "auth"` JWT that the
 * backend accepts, and the record used is the one the backend returned. A
 * backend that is down or failing gives `unavailable`, which callers must not
 * treat as a rejection (the visitor keeps the cookie and the session returns
 * with the backend).
 */
import { getTokenPayload } from 'pocketbase';
import type { RecordModel } from 'pocketbase';
import { createVisitorClient } from '../pocketbase/visitor-client.js';
import { isResponseError } from '../pocketbase/response-error.js';
import { authEvents } from './auth-events.js';
import { VerifyCache } from './verify-cache.js';
import type { VerifiedSession } from './verify-cache.js';

export type Verdict =
  | { kind: 'valid'; session: VerifiedSession; refreshed: boolean }
  | { kind: 'rejected' }
  | { kind: 'unavailable' };

export interface SessionVerifierOptions {
  pocketbaseUrl: string;
  verifyCacheSeconds: number;
  refreshWithinSeconds: number;
  now?: () => number;
}

/** Statuses with which the backend says "this token is not a session". */
const rejectingStatuses = new Set([401, 403, 404]);

export class SessionVerifier {
  readonly cache: VerifyCache;
  readonly #options: SessionVerifierOptions;
  readonly #now: () => number;

  constructor(options: SessionVerifierOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.cache = new VerifyCache({ ttlSeconds: options.verifyCacheSeconds, now: this.#now });
  }

  async verify(token: string): Promise<Verdict> {
    const hit = this.cache.lookup(token);
    if (hit) {
      const { session } = hit;
      const refreshDue = hit.tokenExp - this.#now() / 1000 < this.#options.refreshWithinSeconds;
      if (!refreshDue || session.token !== token) return { kind: 'valid', session, refreshed: session.token !== token };
      return this.#ask(token, hit.tokenExp, true);
    }
    const exp = usableExpiry(token, this.#now());
    if (exp === undefined) return { kind: 'rejected' };
    return this.#ask(token, exp, exp - this.#now() / 1000 < this.#options.refreshWithinSeconds);
  }

  /** Records a session the backend just issued (sign-in), so the next request needs no round trip. */
  remember(token: string, record: RecordModel): void {
    const exp = usableExpiry(token, this.#now());
    if (exp !== undefined) this.cache.set(token, { token, record }, exp);
  }

  async #ask(token: string, exp: number, refreshDue: boolean): Promise<Verdict> {
    const payload = getTokenPayload(token) as { collectionId: string };
    const pb = createVisitorClient(this.#options.pocketbaseUrl, token);
    let answer: { token: string; record: RecordModel };
    try {
      answer = await pb.collection(payload.collectionId).authRefresh();
    } catch (error) {
      if (isResponseError(error) && rejectingStatuses.has(error.status)) {
        this.cache.delete(token);
        return { kind: 'rejected' };
      }
      authEvents.backendError.publish({ count: 1 });
      return { kind: 'unavailable' };
    }
    // Pages never hold system sessions (superusers): a leaked superuser token in a cookie signs nobody in.
    if (answer.record.collectionName?.startsWith('_')) return { kind: 'rejected' };
    const newExp = usableExpiry(answer.token, this.#now());
    if (refreshDue && newExp !== undefined && answer.token !== token) {
      const session = { token: answer.token, record: answer.record };
      // The old token maps to its successor, so concurrent requests with the old cookie get the new one too.
      this.cache.set(token, session, exp);
      this.cache.set(answer.token, session, newExp);
      return { kind: 'valid', session, refreshed: true };
    }
    const session = { token, record: answer.record };
    this.cache.set(token, session, exp);
    return { kind: 'valid', session, refreshed: false };
  }
}

/** The token's `exp` when it is an unexpired auth token naming a record, else undefined. */
export function usableExpiry(token: string, nowMs: number): number | undefined {
  const payload = getTokenPayload(token) as Record<string, unknown>;
  const { type, id, collectionId, exp } = payload;
  if (type !== 'auth' || typeof id !== 'string' || !id || typeof collectionId !== 'string' || !collectionId) {
    return undefined;
  }
  if (typeof exp !== 'number' || exp <= nowMs / 1000) return undefined;
  return exp;
}
