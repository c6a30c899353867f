/**
 * @module embedded/auth/handlers
 * The auth endpoints of an auth collection (§1.3): auth-methods,
 * auth-with-password, auth-refresh, impersonate, verification and password
 * reset through the mailer port.
 */
import { ApiError, ValidationError, fieldError, type FieldError } from '../api-error.js';
import type { RequestContext, Row } from '../context.js';
import type { CollectionJson } from '../filter/index.js';
import { newTokenKey } from '../ids.js';
import { expandRecords } from '../records/expand.js';
import { ruleQuery } from '../records/rules.js';
import { serializeRecord } from '../records/serialize.js';
import { isEmail } from '../schema/fields.js';
import { checkPassword, hashPassword } from './passwords.js';
import { issueToken, verifyToken, type TokenKind } from './tokens.js';

const validationFailed = 'An error occurred while validating the submitted data.';

function authResponse(ctx: RequestContext, collection: CollectionJson, record: Row, token: string) {
  const json = serializeRecord(collection, record, ctx, { authResponse: true });
  // Expanded as the authenticated record itself would see them.
  expandRecords({ ...ctx, auth: { collection, record, claims: {} }, isSuperuser: collection.name === '_superusers' }, collection, [json]);
  return { token, record: json };
}

function requireLength(errors: Record<string, FieldError>, body: Record<string, unknown>, key: string, min: number, max: number): void {
  const value = body[key];
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  if (!text) errors[key] = fieldError('validation_required', 'Cannot be blank.');
  else if (text.length < min || text.length > max) errors[key] = fieldError('validation_length_out_of_range', `The length must be between ${min} and ${max}.`, { min, max });
}

function authRuleAllows(ctx: RequestContext, collection: CollectionJson, record: Row): boolean {
  const rule = collection.authRule;
  if (rule === null) return false;
  if (rule === '' || rule === undefined) return true;
  // The rule is checked as that record would see it (it is about to become the requester).
  const asRecord: RequestContext = { ...ctx, auth: { collection, record, claims: {} }, isSuperuser: false };
  return !!ctx.backend.rows.get(collection.name, record.id, ruleQuery(asRecord, collection, String(rule)));
}

/** Whether `field` has a single-column unique index with COLLATE NOCASE (identity lookups then ignore case, as PocketBase). */
function hasNocaseUniqueIndex(collection: CollectionJson, field: string): boolean {
  return ((collection.indexes as string[] | undefined) ?? []).some((sql) => {
    const m = /^\s*CREATE\s+UNIQUE\s+INDEX\b[^(]*\(([^)]*)\)/i.exec(sql);
    const columns = m ? m[1]!.split(',') : [];
    if (columns.length !== 1) return false;
    const [name = '', ...rest] = columns[0]!.trim().split(/\s+/);
    return name.replace(/[`"'[\]]/g, '').toLowerCase() === field.toLowerCase() && /\bCOLLATE\s+NOCASE\b/i.test(rest.join(' '));
  });
}

export function authMethods(collection: CollectionJson): unknown {
  const password = (collection.passwordAuth as { enabled?: boolean; identityFields?: string[] } | undefined) ?? {};
  const enabled = password.enabled !== false;
  // A disabled password login lists no identity fields; the legacy flags follow the list (record_auth_methods.go).
  const identityFields = enabled ? (password.identityFields ?? ['email']) : [];
  return {
    password: { identityFields, enabled },
    oauth2: { providers: [], enabled: false },
    mfa: { enabled: false, duration: 0 },
    otp: { enabled: false, duration: 0 },
    authProviders: [],
    usernamePassword: enabled && identityFields.includes('username'),
    emailPassword: enabled && identityFields.includes('email'),
  };
}

export async function authWithPassword(ctx: RequestContext, collection: CollectionJson): Promise<unknown> {
  const options = (collection.passwordAuth as { enabled?: boolean; identityFields?: string[] } | undefined) ?? {};
  if (options.enabled === false && collection.name !== '_superusers') throw new ApiError(403, 'The collection is not configured to allow password authentication.');
  const errors: Record<string, FieldError> = {};
  requireLength(errors, ctx.body, 'identity', 1, 255);
  requireLength(errors, ctx.body, 'password', 1, 255);
  const identityFields = options.identityFields ?? ['email'];
  const identityField = ctx.body.identityField;
  if (identityField !== undefined && identityField !== '' && !identityFields.includes(String(identityField))) {
    errors.identityField = fieldError('validation_in_invalid', 'Must be a valid value.');
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(validationFailed, errors);
  const identity = String(ctx.body.identity);
  const fields = identityField ? [String(identityField)] : identityFields;
  let record: Row | undefined;
  for (const field of fields) {
    if (field === 'email' && !identity.includes('@')) continue;
    record = ctx.backend.rows.findBy(collection.name, field, identity, hasNocaseUniqueIndex(collection, field));
    if (record) break;
  }
  const ok = await checkPassword(String(ctx.body.password), record?.password as string | undefined);
  if (!record || !ok) throw new ApiError(400, 'Failed to authenticate.');
  if (!authRuleAllows({ ...ctx, ruleContext: 'password' }, collection, record)) throw new ApiError(403, "The request doesn't satisfy the collection requirements to authenticate.");
  return authResponse(ctx, collection, record, issueToken(ctx.backend, collection, record, 'authToken', { refreshable: true }));
}

export function authRefresh(ctx: RequestContext, collection: CollectionJson): unknown {
  if (!ctx.auth) throw new ApiError(401, 'The request requires valid record authorization token.');
  if (ctx.auth.collection.id !== collection.id) throw new ApiError(403, `The request requires auth record from ${ctx.auth.collection.name} collection.`);
  const record = ctx.auth.record;
  if (!authRuleAllows(ctx, collection, record)) throw new ApiError(403, "The request doesn't satisfy the collection requirements to authenticate.");
  const header = String(ctx.headers.authorization ?? '').replace(/^bearer\s+/i, '').trim();
  const token = ctx.auth.claims.refreshable === true ? issueToken(ctx.backend, collection, record, 'authToken', { refreshable: true }) : header;
  return authResponse(ctx, collection, record, token);
}

export function impersonate(ctx: RequestContext, collection: CollectionJson, id: string): unknown {
  if (!ctx.auth) throw new ApiError(401, 'The request requires valid record authorization token.');
  if (!ctx.isSuperuser) throw new ApiError(403, 'The authorized record is not allowed to perform this action.');
  const seconds = Number(ctx.body.duration ?? 0);
  if (!Number.isFinite(seconds) || seconds < 0) throw new ValidationError(validationFailed, { duration: fieldError('validation_min_greater_equal_than_required', 'Must be no less than 0.') });
  const record = ctx.backend.rows.get(collection.name, id);
  if (!record) throw new ApiError(404);
  return authResponse(ctx, collection, record, issueToken(ctx.backend, collection, record, 'authToken', { refreshable: false }, seconds));
}

/** Two minutes between mails of one kind to one record, as PocketBase. */
const recentlyMailed = new Map<string, number>();

async function mail(ctx: RequestContext, collection: CollectionJson, kind: 'verification' | 'passwordReset', tokenKind: TokenKind): Promise<void> {
  const errors: Record<string, FieldError> = {};
  requireLength(errors, ctx.body, 'email', 1, 255);
  if (!errors.email && !isEmail(String(ctx.body.email))) errors.email = fieldError('validation_is_email', 'Must be a valid email address.');
  if (Object.keys(errors).length > 0) throw new ValidationError(validationFailed, errors);
  const email = String(ctx.body.email);
  const record = ctx.backend.rows.findBy(collection.name, 'email', email);
  if (!record || (kind === 'verification' && record.verified === 1)) return;
  const key = `${collection.id}/${record.id}/${kind}`;
  if ((recentlyMailed.get(key) ?? 0) > Date.now()) return;
  recentlyMailed.set(key, Date.now() + 120_000);
  const token = issueToken(ctx.backend, collection, record, tokenKind, { email });
  const action = kind === 'verification' ? 'confirm-verification' : 'confirm-password-reset';
  await ctx.backend.mailer.send({
    to: email,
    kind,
    token,
    subject: kind === 'verification' ? 'Verify your email' : 'Reset your password',
    text: `Open /_/#/auth/${action}/${token}`,
  });
}

export async function requestVerification(ctx: RequestContext, collection: CollectionJson): Promise<void> {
  if (collection.name === '_superusers') throw new ApiError(400, 'All superusers are verified by default.');
  await mail(ctx, collection, 'verification', 'verificationToken');
}

export async function requestPasswordReset(ctx: RequestContext, collection: CollectionJson): Promise<void> {
  await mail(ctx, collection, 'passwordReset', 'passwordResetToken');
}

function unverifiedEmailClaim(token: string): string {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { email?: unknown };
    return typeof claims?.email === 'string' ? claims.email : '';
  } catch {
    return '';
  }
}

/**
 * The token's record, or the field error PocketBase reports for it. Confirm forms validate every
 * field at once, so the caller merges this with its other field errors.
 */
function checkToken(ctx: RequestContext, collection: CollectionJson, kind: TokenKind): { record: Row } | { error: FieldError } {
  const token = typeof ctx.body.token === 'string' ? ctx.body.token : '';
  if (!token) return { error: fieldError('validation_required', 'Cannot be blank.') };
  // PocketBase reads a verification token's email claim before it checks the signature
  // (apis/record_auth_verification_confirm.go), so garbage gets its own code.
  if (kind === 'verificationToken' && !unverifiedEmailClaim(token)) return { error: fieldError('validation_invalid_token_claims', 'Missing email token claim.') };
  const verified = verifyToken(ctx.backend, token, kind);
  if (!verified) return { error: fieldError('validation_invalid_token', 'Invalid or expired token.') };
  if (verified.collection.id !== collection.id) return { error: fieldError('validation_token_collection_mismatch', 'The provided token is for different auth collection.') };
  if (verified.claims.email !== verified.record.email) return { error: fieldError('validation_token_email_mismatch', "The record email doesn't match with the requested token claims.") };
  return { record: verified.record };
}

function tokenOrFail(ctx: RequestContext, collection: CollectionJson, kind: TokenKind, errors: Record<string, FieldError> = {}): { record: Row } {
  const checked = checkToken(ctx, collection, kind);
  if ('error' in checked) errors.token = checked.error;
  if (Object.keys(errors).length > 0 || 'error' in checked) throw new ValidationError(validationFailed, errors);
  return checked;
}

export function confirmVerification(ctx: RequestContext, collection: CollectionJson): void {
  const { record } = tokenOrFail(ctx, collection, 'verificationToken');
  ctx.backend.rows.update(collection.name, record.id, { verified: 1 });
}

export async function confirmPasswordReset(ctx: RequestContext, collection: CollectionJson): Promise<void> {
  const errors: Record<string, FieldError> = {};
  const minimum = Number(collection.fields.find((f) => f.type === 'password')?.min ?? 0) || 8;
  requireLength(errors, ctx.body, 'password', minimum, 255);
  if (ctx.body.passwordConfirm !== ctx.body.password) errors.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
  const { record } = tokenOrFail(ctx, collection, 'passwordResetToken', errors);
  const password = await hashPassword(String(ctx.body.password));
  ctx.backend.rows.update(collection.name, record.id, { password, tokenKey: newTokenKey(), verified: 1 });
}
