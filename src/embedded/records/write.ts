/**
 * @module embedded/records/write
 * Turns a create/update body into stored values with PocketBase's phase order
 * (§4.3): auth form checks first (and alone), then every field validator, then
 * the unique indexes at insert time.
 */
import { ApiError, ValidationError, fieldError, type FieldError } from '../api-error.js';
import type { RequestContext, Row } from '../context.js';
import type { CollectionJson, SqlValue } from '../filter/index.js';
import { newRecordId, newTokenKey, now } from '../ids.js';
import { checkPassword, hashPassword } from '../auth/passwords.js';
import { fromStorage, isMultiple, toStorage, validateField } from '../schema/fields.js';

const maxPassword = 71;
/** bcrypt hashes only the first 72 bytes of a password. */
const bcryptMaxBytes = 72;

/** Submitted values in stored form, with `+`/`-` modifiers applied over `current`. */
export function loadValues(collection: CollectionJson, body: Record<string, unknown>, isSuperuser: boolean, current?: Row): Record<string, SqlValue> {
  const values: Record<string, SqlValue> = {};
  for (const field of collection.fields) {
    if (field.type === 'password' || field.type === 'autodate' || field.name === 'id') continue;
    if (field.hidden && !isSuperuser) continue;
    const name = field.name;
    let value: unknown = current ? fromStorage(field, current[name]) : undefined;
    let touched = false;
    if (name in body) {
      value = body[name];
      touched = true;
    }
    for (const [key, op] of [[`+${name}`, 'prepend'], [`${name}+`, 'append'], [`${name}-`, 'remove']] as const) {
      if (!(key in body)) continue;
      touched = true;
      const delta = body[key];
      if (field.type === 'number') value = Number(value ?? 0) + (op === 'remove' ? -1 : 1) * Number(delta ?? 0);
      else if (isMultiple(field)) {
        const list = (Array.isArray(value) ? value : []) as unknown[];
        const items = (Array.isArray(delta) ? delta : [delta]).map(String);
        value = op === 'remove' ? list.filter((v) => !items.includes(String(v))) : op === 'append' ? [...list, ...items] : [...items, ...list];
      }
    }
    if (touched) values[name] = toStorage(field, value);
  }
  return values;
}

const fail = (updating: boolean) => (updating ? 'Failed to update record.' : 'Failed to create record.');

/**
 * Auth form checks; only their errors are reported when any fails. A manager
 * (superuser, or through the manageRule) may change email and verified and set
 * a new password without the old one.
 */
export async function authFormErrors(body: Record<string, unknown>, current: Row | undefined, manager: boolean): Promise<Record<string, FieldError>> {
  const errors: Record<string, FieldError> = {};
  // PocketBase's RecordUpsert rules: each of password/passwordConfirm/oldPassword makes the others required.
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  const [password, confirm, old] = [text(body.password), text(body.passwordConfirm), text(body.oldPassword)];
  const isNew = !current;
  if ((isNew || confirm || old) && !password) errors.password = fieldError('validation_required', 'Cannot be blank.');
  if ((isNew || password || old) && !confirm) errors.passwordConfirm = fieldError('validation_required', 'Cannot be blank.');
  else if (confirm && confirm !== password) errors.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
  if (current && !manager && (password || confirm)) {
    if (!old) errors.oldPassword = fieldError('validation_required', 'Cannot be blank.');
    else if (!(await checkPassword(old, String(current.password)))) errors.oldPassword = fieldError('validation_invalid_old_password', 'Missing or invalid old password.');
  }
  if (!manager) {
    if (current && 'email' in body && String(body.email) !== String(current.email)) errors.email = fieldError('validation_values_mismatch', "Values don't match.");
    const verifiedNow = current ? fromStorage({ name: 'verified', type: 'bool' }, current.verified) : false;
    if ('verified' in body && toStorage({ name: 'verified', type: 'bool' }, body.verified) !== (verifiedNow ? 1 : 0)) {
      errors.verified = fieldError('validation_values_mismatch', "Values don't match.");
    }
  }
  return errors;
}

/** Runs every field validator on the full (stored-form) record; throws with all failures. */
export function validateRecord(ctx: RequestContext, collection: CollectionJson, record: Record<string, SqlValue>, password: unknown, updating: boolean, earlier: Record<string, FieldError> = {}): void {
  const errors: Record<string, FieldError> = { ...earlier };
  const exists = (collectionId: string, ids: string[]) => {
    const target = ctx.backend.collections.get(collectionId);
    return !!target && ctx.backend.rows.countIds(target.name, ids) === new Set(ids).size;
  };
  for (const field of collection.fields) {
    if (field.name === 'tokenKey') continue;
    if (field.type === 'password') {
      if (password === undefined || password === '') continue;
      const min = Number(field.min ?? 0) || 8;
      const length = [...String(password)].length;
      // bcrypt reads only 72 bytes; PocketBase (Go's bcrypt) refuses longer passwords outright,
      // before its character limits, and shows why only to superusers (others get a bare 400).
      if (Buffer.byteLength(String(password)) > bcryptMaxBytes) {
        throw new ApiError(400, fail(updating), ctx.isSuperuser ? { password: fieldError('validation_invalid_value', 'Invalid value.') } : {});
      }
      if (length < min) errors.password = fieldError('validation_min_text_constraint', `Must be at least ${min} character(s).`);
      else if (length > maxPassword) errors.password = fieldError('validation_max_text_constraint', `Must be less than ${maxPassword} character(s).`);
      continue;
    }
    const error = errors[field.name] ? undefined : validateField(field, record[field.name] ?? null, exists);
    if (error) errors[field.name] = error;
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(fail(updating), errors);
}

/** The stored row of a new record (id, autodates, token key); the password hash is added after validation. */
export function newRow(collection: CollectionJson, values: Record<string, SqlValue>, body: Record<string, unknown>): Record<string, SqlValue> {
  const row: Record<string, SqlValue> = {};
  for (const field of collection.fields) row[field.name] = toStorage(field, undefined);
  Object.assign(row, values);
  row.id = typeof body.id === 'string' && body.id !== '' ? body.id : newRecordId();
  const stamp = now();
  for (const field of collection.fields) if (field.type === 'autodate' && field.onCreate) row[field.name] = stamp;
  if (collection.type === 'auth') {
    row.tokenKey = newTokenKey();
    if (collection.name === '_superusers') row.verified = 1;
  }
  return row;
}

/** The changed columns of an update, re-hashing the password and rotating the token key when needed. */
export async function changedRow(collection: CollectionJson, current: Row, values: Record<string, SqlValue>, body: Record<string, unknown>): Promise<Record<string, SqlValue>> {
  const changes: Record<string, SqlValue> = { ...values };
  if (collection.type === 'auth') {
    const newPassword = body.password !== undefined && body.password !== '';
    if (newPassword) changes.password = await hashPassword(String(body.password));
    const emailChanged = 'email' in changes && changes.email !== current.email;
    if ((newPassword || emailChanged) && !('tokenKey' in values)) changes.tokenKey = newTokenKey();
  }
  const stamp = now();
  for (const field of collection.fields) if (field.type === 'autodate' && field.onUpdate) changes[field.name] = stamp;
  return changes;
}

/** A unique-index violation from SQLite as PocketBase's field error, else undefined. */
export function uniqueViolation(error: unknown, collection: CollectionJson, updating: boolean): ValidationError | undefined {
  const message = (error as { code?: string; message?: string }).message ?? '';
  if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE' && (error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
  const columns = /failed: (.*)$/.exec(message)?.[1]?.split(',').map((c) => c.trim().split('.').pop()!) ?? [];
  const errors: Record<string, FieldError> = {};
  for (const column of columns.length ? columns : ['id']) {
    if (collection.fields.some((f) => f.name === column)) errors[column] = fieldError('validation_not_unique', 'Value must be unique.');
  }
  return new ValidationError(fail(updating), errors);
}
