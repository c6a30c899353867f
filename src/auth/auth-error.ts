/**
 * @module auth/auth-error
 * The one error type the page context's auth functions throw. `code` is stable
 * (tests and user pages switch on it); `status` is the HTTP status a page should
 * answer with when it lets the error escape.
 */

export type AuthErrorCode =
  | 'anonymous_disabled'
  | 'rate_limited'
  | 'already_signed_in'
  | 'method_not_allowed'
  | 'collection_forbidden'
  | 'collection_not_found'
  | 'not_auth_collection'
  | 'email_conflict'
  | 'not_anonymous'
  | 'not_signed_in'
  | 'invalid_credentials'
  | 'validation'
  | 'backend_unavailable'
  | 'superuser_required'
  | 'cross_origin_forbidden'
  | 'oauth2_provider_unknown'
  | 'oauth2_denied'
  | 'oauth2_state_mismatch'
  | 'oauth2_flow_expired'
  | 'oauth2_failed'
  | 'merge_failed';

/** Field errors as PocketBase reports them: `{ email: { code, message } }`. */
export type FieldErrors = Record<string, { code: string; message: string }>;

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly status: number;
  readonly fields: FieldErrors;
  /** Seconds until a rate-limited caller may try again. */
  readonly retryAfter: number | undefined;

  constructor(
    code: AuthErrorCode,
    status: number,
    message: string,
    options: { fields?: FieldErrors; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    this.fields = options.fields ?? {};
    this.retryAfter = options.retryAfter;
  }
}
