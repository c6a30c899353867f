import { ClientResponseError } from 'pocketbase';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/auth/auth-error.js';
import { toAuthError } from '../../../src/auth/error-mapping.js';

const sdkError = (status: number, data: object = {}, message = '') =>
  new ClientResponseError({ status, response: { status, message, data } });

describe('mapping backend errors to AuthError', () => {
  it('turns an unreachable or failing backend into backend_unavailable 503', () => {
    expect(toAuthError(new ClientResponseError(new TypeError('fetch failed')))).toMatchObject({
      code: 'backend_unavailable',
      status: 503,
    });
    expect(toAuthError(sdkError(502))).toMatchObject({ code: 'backend_unavailable', status: 503 });
  });

  it('passes field errors on as validation with fields', () => {
    const error = toAuthError(sdkError(400, { password: { code: 'validation_min_text_constraint', message: 'Too short.' } }));
    expect(error).toMatchObject({ code: 'validation', status: 400 });
    expect((error as AuthError).fields).toEqual({ password: { code: 'validation_min_text_constraint', message: 'Too short.' } });
  });

  it('reports a taken email as email_conflict 409', () => {
    expect(toAuthError(sdkError(400, { email: { code: 'validation_not_unique', message: 'x' } }))).toMatchObject({
      code: 'email_conflict',
      status: 409,
    });
  });

  it('tells a missing collection from a non-auth one', () => {
    expect(toAuthError(sdkError(404, {}, 'Missing or invalid collection context.'))).toMatchObject({
      code: 'collection_not_found',
      status: 404,
    });
    expect(toAuthError(sdkError(404, {}, 'Missing or invalid auth collection context.'))).toMatchObject({
      code: 'not_auth_collection',
      status: 400,
    });
  });

  it('reports a failed login as invalid_credentials', () => {
    expect(toAuthError(sdkError(400, {}, 'Failed to authenticate.'))).toMatchObject({ code: 'invalid_credentials' });
  });

  it('leaves AuthErrors and programming errors alone', () => {
    const auth = new AuthError('not_anonymous', 400, 'x');
    const bug = new TypeError('bug');
    expect(toAuthError(auth)).toBe(auth);
    expect(toAuthError(bug)).toBe(bug);
  });
});
