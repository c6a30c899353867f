/**
 * @module embedded/records/rules
 * API rules and client filters for one request: compiled to SQL through the
 * filter module, with PocketBase's statuses for failures (§4.2): a syntax or
 * field error is a 400, `@request`/`@collection` in a client filter a 403.
 */
import { ApiError } from '../api-error.js';
import type { RequestContext } from '../context.js';
import { compileFilter, createRecordResolver, FilterError, FilterForbiddenError, parseFilter, type CollectionJson, type RequestInfo, type SqlValue } from '../filter/index.js';
import { fromStorage } from '../schema/fields.js';

export type Where = { sql: string; params: SqlValue[] };
export const everything: Where = { sql: '1 = 1', params: [] };

function requestInfo(ctx: RequestContext): RequestInfo {
  let auth: RequestInfo['auth'] = null;
  if (ctx.auth) {
    const values: Record<string, unknown> = {};
    for (const field of ctx.auth.collection.fields) values[field.name] = fromStorage(field, ctx.auth.record[field.name]);
    auth = { ...values, collectionId: ctx.auth.collection.id, collectionName: ctx.auth.collection.name };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (value !== undefined) headers[name.toLowerCase().replace(/-/g, '_')] = Array.isArray(value) ? value[0]! : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of ctx.url.searchParams) if (!(key in query)) query[key] = value;
  return { auth, body: ctx.body, query, headers, method: ctx.method, context: 'default' };
}

function compile(ctx: RequestContext, collection: CollectionJson, source: string, target: { alias: string } | { values: Record<string, unknown> }, clientFilter: boolean): Where {
  try {
    const resolver = createRecordResolver({
      collection,
      target,
      request: requestInfo(ctx),
      isSuperuser: ctx.isSuperuser,
      clientFilter,
      lookupCollection: (idOrName) => ctx.backend.collections.get(idOrName),
    });
    return compileFilter(parseFilter(source), resolver);
  } catch (error) {
    if (error instanceof FilterForbiddenError) throw new ApiError(403, error.message);
    if (error instanceof FilterError) throw new ApiError(400);
    throw error;
  }
}

/** The rule as a WHERE clause on alias `r`; superusers and `""` match everything; null is a 403. */
export function ruleWhere(ctx: RequestContext, collection: CollectionJson, rule: unknown): Where {
  if (ctx.isSuperuser) return everything;
  if (rule === null || rule === undefined) throw new ApiError(403, 'Only superusers can perform this action.');
  if (rule === '') return everything;
  return compile(ctx, collection, String(rule), { alias: 'r' }, false);
}

/** The `?filter=` param as a WHERE clause (or everything when absent). */
export function clientFilterWhere(ctx: RequestContext, collection: CollectionJson, filter: string | null): Where {
  if (!filter || !filter.trim()) return everything;
  return compile(ctx, collection, filter, { alias: 'r' }, true);
}

/** Whether submitted values (a create) satisfy the rule. */
export function ruleAllowsValues(ctx: RequestContext, collection: CollectionJson, rule: string, values: Record<string, unknown>): boolean {
  return ctx.backend.rows.test(compile(ctx, collection, rule, { values }, false));
}

export const and = (a: Where, b: Where): Where =>
  a === everything ? b : b === everything ? a : { sql: `(${a.sql}) AND (${b.sql})`, params: [...a.params, ...b.params] };
