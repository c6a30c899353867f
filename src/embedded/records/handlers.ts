/**
 * @module embedded/records/handlers
 * `/api/collections/{c}/records[/{id}]`: list, view, create, update, delete
 * with API rules and the status matrix of §4.2.
 */
import { ApiError, ValidationError, fieldError, type FieldError } from '../api-error.js';
import type { RequestContext, Row } from '../context.js';
import { quote } from '../db.js';
import type { CollectionJson, SqlValue } from '../filter/index.js';
import { hashPassword } from '../auth/passwords.js';
import { fromStorage, isMultiple } from '../schema/fields.js';
import { expandRecords } from './expand.js';
import { parseListParams } from './list-params.js';
import { listQuery, managedIds, managesRecord, ruleAllowsNewRow, ruleQuery } from './rules.js';
import { serializeRecord } from './serialize.js';
import { authFormErrors, changedRow, loadValues, newRow, uniqueViolation, validateRecord } from './write.js';

export function listRecords(ctx: RequestContext, collection: CollectionJson): unknown {
  const { query, orderBy } = listQuery(ctx, collection);
  const params = parseListParams(ctx.url.searchParams);
  const rows = ctx.backend.rows.list(collection.name, query, orderBy, params.perPage, rowOffset(params));
  const total = params.skipTotal ? -1 : ctx.backend.rows.count(collection.name, query);
  const managed = managedIds(ctx, collection, rows.map((row) => row.id));
  const items = rows.map((row) => serializeRecord(collection, row, ctx, { managed: managed.has(row.id) }));
  expandRecords(ctx, collection, items);
  return {
    items,
    page: params.page,
    perPage: params.perPage,
    totalItems: total,
    totalPages: params.skipTotal ? -1 : Math.ceil(total / params.perPage),
  };
}

/**
 * SQLite binds a JS number beyond 2^53 as a float, which OFFSET refuses (a 500);
 * no table holds that many rows, so a clamped offset answers the same empty page.
 */
function rowOffset(params: { page: number; perPage: number }): number {
  return Math.min((params.page - 1) * params.perPage, Number.MAX_SAFE_INTEGER);
}

function findAllowed(ctx: RequestContext, collection: CollectionJson, id: string, rule: unknown, body?: Record<string, unknown>): Row {
  const row = ctx.backend.rows.get(collection.name, id, ruleQuery(ctx, collection, rule, body));
  if (!row) throw new ApiError(404);
  return row;
}

/**
 * The body as rules see it (PocketBase's recordDataFromRequest): `+`/`-`
 * modifiers replaced by the resulting value, hidden fields dropped for
 * non-superusers (the auth password excepted).
 */
function ruleBody(ctx: RequestContext, collection: CollectionJson, values: Record<string, SqlValue>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...ctx.body };
  for (const field of collection.fields) {
    const keys = [`+${field.name}`, `${field.name}+`, `${field.name}-`];
    if (keys.some((key) => key in body) && field.name in values) body[field.name] = fromStorage(field, values[field.name]);
    for (const key of keys) delete body[key];
    if (field.hidden && !ctx.isSuperuser && !(collection.type === 'auth' && field.name === 'password')) delete body[field.name];
  }
  return body;
}

export function viewRecord(ctx: RequestContext, collection: CollectionJson, id: string): unknown {
  const row = findAllowed(ctx, collection, id, collection.viewRule);
  const record = serializeRecord(collection, row, ctx, { managed: managesRecord(ctx, collection, row.id) });
  expandRecords(ctx, collection, [record]);
  return record;
}

export async function createRecord(ctx: RequestContext, collection: CollectionJson): Promise<unknown> {
  const rule = collection.createRule;
  if (!ctx.isSuperuser && (rule === null || rule === undefined)) throw new ApiError(403, 'Only superusers can perform this action.');
  const values = loadValues(collection, ctx.body, ctx.isSuperuser);
  const row = newRow(collection, values, ctx.body);
  let manager = ctx.isSuperuser;
  if (!ctx.isSuperuser) {
    const body = ruleBody(ctx, collection, values);
    // The rule sees the record as it would be stored, unverified (so a manageRule cannot rely on it).
    const candidate = { ...row, ...(collection.type === 'auth' ? { verified: 0 } : {}) };
    if (rule !== '' && !ruleAllowsNewRow(ctx, collection, String(rule), candidate, body)) throw new ApiError(400, 'Failed to create record.');
    const manageRule = collection.manageRule;
    manager = collection.type === 'auth' && !!ctx.auth && typeof manageRule === 'string' && manageRule !== '' && ruleAllowsNewRow(ctx, collection, manageRule, candidate, body);
  }
  if (collection.type === 'auth') {
    const errors = await authFormErrors(ctx.body, undefined, manager);
    if (Object.keys(errors).length > 0) throw new ValidationError('Failed to create record.', errors);
  }
  validateRecord(ctx, collection, row, ctx.body.password, false);
  // Hash only input that passed validation: bcrypt is the expensive part of a sign-up.
  if (collection.type === 'auth') row.password = await hashPassword(String(ctx.body.password));
  try {
    ctx.backend.rows.insert(collection.name, row);
  } catch (error) {
    throw uniqueViolation(error, collection, false) ?? error;
  }
  return serializeRecord(collection, row as Row, ctx, { managed: manager });
}

export async function updateRecord(ctx: RequestContext, collection: CollectionJson, id: string): Promise<unknown> {
  const existing = ctx.backend.rows.get(collection.name, id);
  if (!ctx.isSuperuser && (collection.updateRule === null || collection.updateRule === undefined)) throw new ApiError(403, 'Only superusers can perform this action.');
  if (!existing) throw new ApiError(404);
  const values = loadValues(collection, ctx.body, ctx.isSuperuser, existing);
  const body = ruleBody(ctx, collection, values);
  const current = findAllowed(ctx, collection, id, collection.updateRule, body);
  const manager = ctx.isSuperuser || managesRecord(ctx, collection, id, body);
  if (collection.type === 'auth') {
    const errors = await authFormErrors(ctx.body, current, manager);
    if (Object.keys(errors).length > 0) throw new ValidationError('Failed to update record.', errors);
  }
  // A record's id never changes (PocketBase's validation_pk_change), reported with the other field errors.
  const pkChange: Record<string, FieldError> = 'id' in ctx.body && String(ctx.body.id) !== id ? { id: fieldError('validation_pk_change', 'The record primary key cannot be changed.') } : {};
  validateRecord(ctx, collection, { ...(current as Record<string, SqlValue>), ...values }, ctx.body.password, true, pkChange);
  const changes = await changedRow(collection, current, values, ctx.body);
  try {
    ctx.backend.rows.update(collection.name, id, changes);
  } catch (error) {
    throw uniqueViolation(error, collection, true) ?? error;
  }
  const updated = { ...current, ...changes } as Row;
  return serializeRecord(collection, updated, ctx, { managed: manager });
}

export function deleteRecord(ctx: RequestContext, collection: CollectionJson, id: string): void {
  findAllowed(ctx, collection, id, collection.deleteRule);
  const { db, collections } = ctx.backend;
  if (collection.name === '_superusers' && (db.prepare('SELECT COUNT(*) AS n FROM "_superusers"').get() as { n: number }).n <= 1) {
    throw new ApiError(400, 'You can\'t delete the only existing superuser.');
  }
  db.transaction(() => {
    for (const other of collections.all()) {
      for (const field of other.fields) {
        if (field.type !== 'relation' || field.collectionId !== collection.id) continue;
        const column = `${quote(other.name)}.${quote(field.name)}`;
        const refers = isMultiple(field) ? `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ?)` : `${column} = ?`;
        if (field.cascadeDelete) {
          db.prepare(`DELETE FROM ${quote(other.name)} WHERE ${refers}`).run(id);
        } else if (field.required && db.prepare(`SELECT 1 FROM ${quote(other.name)} WHERE ${refers} LIMIT 1`).get(id)) {
          throw new ApiError(400, 'Failed to delete record. Make sure that the record is not part of a required relation reference.');
        } else if (isMultiple(field)) {
          db.prepare(`UPDATE ${quote(other.name)} SET ${quote(field.name)} = (SELECT json_group_array(value) FROM json_each(${quote(field.name)}) WHERE value != ?) WHERE ${refers}`).run(id, id);
        } else {
          db.prepare(`UPDATE ${quote(other.name)} SET ${quote(field.name)} = '' WHERE ${refers}`).run(id);
        }
      }
    }
    ctx.backend.rows.delete(collection.name, id);
  })();
}
