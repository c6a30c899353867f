/**
 * @module auth/error-mapping
 * Turns what the SDK throws into an `AuthError` with a stable code. Messages
 * are ours, never the backend's verbatim text or the caller's input, so a page
 * that shows `error.message` shows nothing it should not.
 */
import { AuthError } from './auth-error.js';
import { authEvents } from './auth-events.js';
import { fieldErrors, isBackendDown, isResponseError, responseMessage } from '../pocketbase/response-error.js';

/** Seconds a caller is told to wait when the backend itself rate-limits us. */
const backendRetryAfter = 10;

/**
 * @example
 * try { await pb.collection('users').create(data); } catch (e) { throw toAuthError(e); }
 */
export function toAuthError(error: unknown): unknown {
  if (error instanceof AuthError || !isResponseError(error)) return error;
  if (isBackendDown(error)) {
    authEvents.backendError.publish({ count: 1 });
    return new AuthError('backend_unavailable', 503, 'The backend is unavailable; try again shortly.', { cause: error });
  }
  const fields = fieldErrors(error);
  switch (error.status) {
    case 400:
      if (fields['email']?.code === 'validation_not_unique') {
        return new AuthError('email_conflict', 409, 'That email address is already in use.', { fields });
      }
      if (Object.keys(fields).length > 0) {
        return new AuthError('validation', 400, 'Some fields are invalid.', { fields });
      }
      if (/authenticate/i.test(responseMessage(error))) {
        return new AuthError('invalid_credentials', 400, 'Wrong email or password.');
      }
      return new AuthError('validation', 400, 'The backend refused the request.');
    case 401:
      return new AuthError('not_signed_in', 401, 'You need to be signed in.');
    case 403:
      return new AuthError('collection_forbidden', 403, 'The collection does not allow this.');
    case 404:
      return /auth collection/i.test(responseMessage(error))
        ? new AuthError('not_auth_collection', 400, 'The collection is not an auth collection.')
        : new AuthError('collection_not_found', 404, 'The collection does not exist.');
    case 429:
      return new AuthError('rate_limited', 429, 'The backend is rate limiting requests.', { retryAfter: backendRetryAfter });
    default:
      return new AuthError('validation', 400, 'The backend refused the request.');
  }
}
