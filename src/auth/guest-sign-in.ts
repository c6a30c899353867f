/**
 * @module auth/guest-sign-in
 * `signInAnonymously()`: creates a guest account (random email and password,
 * unverified, hidden email, `anonymous: true`) and signs the visitor in.
 *
 * Threat model: creating users is a write any visitor can trigger, so it is
 * refused on GET/HEAD (crawlers, link prefetchers) unless allowed, rate-limited
 * per client IP, and never replaces a permanent account's session silently.
 * The guest password exists only in this function's memory: it is sent once to
 * create and once to sign in, and never logged.
 */
import type { RecordModel } from 'pocketbase';
import { AuthError } from './auth-error.js';
import { authEvents } from './auth-events.js';
import { missingFieldWarning } from './auth-collections.js';
import type { AuthDeps, SignedIn } from './auth-deps.js';
import { clientKey } from './client-ip.js';
import { toAuthError } from './error-mapping.js';
import { isGuestRecord, newGuestEmail, newGuestPassword } from './guest-identity.js';
import type { RequestSession } from './request-session.js';
import type { ExtensionRequest } from '../pages/extension.js';
import { isResponseError, fieldErrors } from '../pocketbase/response-error.js';
import { createVisitorClient } from '../pocketbase/visitor-client.js';

export type SignInAnonymouslyArg = string | { collection?: string; replace?: boolean } | undefined;

/** Fresh emails tried before giving up; a collision at 129 bits means something else is wrong. */
const maxAttempts = 3;

export async function signInAnonymously(
  deps: AuthDeps,
  request: ExtensionRequest,
  session: RequestSession,
  arg: SignInAnonymouslyArg,
): Promise<SignedIn> {
  const options = deps.auth.anonymous;
  const { collection = options.collection, replace = false } = typeof arg === 'string' ? { collection: arg } : (arg ?? {});
  if (!options.enabled) throw new AuthError('anonymous_disabled', 403, 'Guest accounts are disabled.');
  const method = request.method.toUpperCase();
  if (!options.allowGet && (method === 'GET' || method === 'HEAD')) {
    throw new AuthError(
      'method_not_allowed',
      405,
      'Guest accounts are created only from a POST (a form or fetch), so crawlers and prefetches create none; set auth.anonymous.allowGet to allow GET.',
    );
  }
  await deps.collections.require(collection);

  if (session.token && session.record) {
    const guest = isGuestRecord(session.record, options);
    if (guest && options.reuseSession && session.record.collectionName === collection) {
      return { token: session.token, record: session.record };
    }
    if (!guest && !replace) {
      throw new AuthError('already_signed_in', 409, 'You are already signed in; sign out first.');
    }
  }

  await deps.guestRateLimit.consume(clientKey(request, options.trustProxy));
  const { email, password, record } = await createGuest(deps, collection);
  let signedIn: SignedIn;
  try {
    signedIn = await session.client().collection(collection).authWithPassword(email, password);
  } catch (error) {
    throw toAuthError(error);
  }
  if (!('anonymous' in record) && deps.collections.firstMissingField(collection)) {
    deps.log(missingFieldWarning(collection));
  }
  session.signIn(signedIn.token, signedIn.record);
  authEvents.guestCreated.publish({ count: 1 });
  deps.log(`auth: guest ${signedIn.record.id} created in "${collection}"`);
  return { token: signedIn.token, record: signedIn.record };
}

async function createGuest(
  deps: AuthDeps,
  collection: string,
): Promise<{ email: string; password: string; record: RecordModel }> {
  const pattern = deps.auth.anonymous;
  const pb = createVisitorClient(deps.pocketbaseUrl);
  for (let attempt = 1; ; attempt += 1) {
    const email = newGuestEmail(pattern, deps.guestId);
    const password = newGuestPassword();
    try {
      const record = await pb.collection(collection).create({
        email,
        password,
        passwordConfirm: password,
        emailVisibility: false,
        anonymous: true,
      });
      return { email, password, record };
    } catch (error) {
      const emailTaken = isResponseError(error) && fieldErrors(error)['email']?.code === 'validation_not_unique';
      if (!emailTaken || attempt >= maxAttempts) throw toAuthError(error);
      deps.log(`auth: guest email collision in "${collection}", retrying with a new one`);
    }
  }
}
