/**
 * @module auth/auth-collections
 * Checks that a collection named by a page is one visitors may sign in to: it
 * exists, it is an auth collection, and it is not a system collection such as
 * `_superusers`. Asking `auth-methods` needs no privileges and tells the cases
 * apart (PocketBase answers 404 with "Missing or invalid auth collection
 * context." for a non-auth collection). Positive answers are cached briefly.
 */
import { AuthError } from './auth-error.js';
import { toAuthError } from './error-mapping.js';
import { createVisitorClient } from '../pocketbase/visitor-client.js';

const cacheMs = 60_000;

export class AuthCollections {
  readonly #pocketbaseUrl: string;
  readonly #known = new Map<string, number>();
  readonly #warnedMissingField = new Set<string>();

  constructor(pocketbaseUrl: string) {
    this.#pocketbaseUrl = pocketbaseUrl;
  }

  /** Resolves when `name` is a usable auth collection; throws an `AuthError` otherwise. */
  async require(name: string): Promise<void> {
    if (typeof name !== 'string' || !/^\w+$/.test(name)) {
      throw new AuthError('collection_not_found', 404, 'The collection does not exist.');
    }
    if (name.startsWith('_')) {
      throw new AuthError('collection_forbidden', 403, 'Visitors cannot sign in to system collections.');
    }
    const until = this.#known.get(name);
    if (until !== undefined && until > Date.now()) return;
    try {
      await createVisitorClient(this.#pocketbaseUrl).collection(name).listAuthMethods();
    } catch (error) {
      throw toAuthError(error);
    }
    this.#known.set(name, Date.now() + cacheMs);
  }

  /** True the first time a collection is seen without the `anonymous` field (so it is logged once). */
  firstMissingField(name: string): boolean {
    if (this.#warnedMissingField.has(name)) return false;
    this.#warnedMissingField.add(name);
    return true;
  }
}

/** The start-up warning for a collection without the `anonymous` field. */
export function missingFieldWarning(collection: string): string {
  return (
    `pbpages: warning: collection "${collection}" has no "anonymous" bool field; guests are recognised by ` +
    'their email pattern and API rules cannot test @request.auth.anonymous. Run `pbpages setup` to add it.'
  );
}
