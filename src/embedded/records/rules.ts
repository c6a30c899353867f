/**
 * @module embedded/records/rules
 * API rules and client filters for one request, compiled to SQL through the
 * filter module, with PocketBase's statuses for failures (§4.2): a syntax or
 * field error is a 400, `@request`/`@collection` in a non-superuser's `filter`
 * or `sort` a 403. Rules see every field (hidden ones, emails); a client filter
 * of a non-superuser does not, and the joined collections' list rules apply.
 */
import { ApiError } from '../api-error.js';
import type { RequestContext } from '../context.js';
import { compileFilter, FilterError, parseFilter, RecordFieldResolver, type CollectionJson, type RequestInfo, type SqlValue } from '../filter/index.js';
import { fromStorage } from '../schema/fields.js';
import type { Query } from './rows.js';

export type { Query };
export const everything: Query = { joins: { sql: '', params: [] }, where: { sql: '1 = 1', params: [] } };

export function requestInfo(ctx: RequestContext, body: Record<string, unknown> = ctx.body): RequestInfo {
  let auth: RequestInfo['auth'] = null;
  if (ctx.auth) {
    const values: Record<string, unknown> = {};
    for (const field of ctx.auth.collection.fields) {
      if (field.type !== 'password' && field.name !== 'tokenKey') values[field.name] = fromStorage(field, ctx.auth.record[field.name]);
    }
    auth = { ...values, collectionId: ctx.auth.collection.id, collectionName: ctx.auth.collection.name };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (value !== undefined) headers[name.toLowerCase().replace(/-/g, '_')] = Array.isArray(value) ? value[0]! : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of ctx.url.searchParams) if (!(key in query)) query[key] = value;
  return { auth, body, query, headers, method: ctx.method, context: ctx.ruleContext ?? 'default' };
}

function resolver(ctx: RequestContext, collection: CollectionJson, allowHidden: boolean, body?: Record<string, unknown>, source?: string): RecordFieldResolver {
  return new RecordFieldResolver({
    collection,
    request: requestInfo(ctx, body),
    allowHidden,
    lookupCollection: (idOrName) => ctx.backend.collections.get(idOrName),
    ...(source ? { source } : {}),
  });
}

/** Runs the compiler, turning its errors into PocketBase's 400. */
function guarded<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof FilterError) throw new ApiError(400);
    throw error;
  }
}

function query(fields: RecordFieldResolver, sources: string[]): Query {
  const parts = sources.map((source) => compileFilter(parseFilter(source), fields));
  const { joins, where } = fields.finish();
  if (where) parts.push(where);
  if (parts.length === 0) return everything;
  return { joins, where: { sql: parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) } };
}

/** A non-superuser may not filter or sort by `@collection.*`/`@request.*` (PocketBase's checkForSuperuserOnlyRuleFields). */
export function refuseSuperuserOnlyParams(ctx: RequestContext): void {
  if (ctx.isSuperuser) return;
  for (const param of ['filter', 'sort']) {
    const value = ctx.url.searchParams.get(param) ?? '';
    for (const prefix of ['@collection.', '@request.']) {
      if (value.includes(prefix)) throw new ApiError(403, `Only superusers can filter by ${prefix}`);
    }
  }
}

/** The rule as a query on alias `r`; superusers and `""` match everything; null is a 403. */
export function ruleQuery(ctx: RequestContext, collection: CollectionJson, rule: unknown, body?: Record<string, unknown>): Query {
  if (ctx.isSuperuser) return everything;
  if (rule === null || rule === undefined) throw new ApiError(403, 'Only superusers can perform this action.');
  if (rule === '') return everything;
  return guarded(() => query(resolver(ctx, collection, true, body), [String(rule)]));
}

/** `sort` terms as ORDER BY, resolved like filter fields (relation paths join); `@random`, `@rowid` as PocketBase. */
function orderBy(fields: RecordFieldResolver, sort: string): string {
  const terms = sort.split(',').map((t) => t.trim()).filter(Boolean);
  return terms.map((term) => {
    const desc = term.startsWith('-');
    const name = term.replace(/^[-+]/, '');
    const direction = desc ? 'DESC' : 'ASC';
    if (name === '@random') return 'RANDOM()';
    if (name === '@rowid') return `r.rowid ${direction}`;
    const resolved = fields.resolve(name);
    if (resolved.params.length > 0 || !resolved.sql || resolved.sql.toLowerCase() === 'null') throw new FilterError(`Invalid sort field "${name}".`);
    return `${resolved.sql} ${direction}`;
  }).join(', ');
}

/**
 * A list: the listRule, the `?filter=` and the `?sort=` share one resolver
 * (and so their joins), as in PocketBase.
 */
export function listQuery(ctx: RequestContext, collection: CollectionJson): { query: Query; orderBy: string } {
  if (!ctx.isSuperuser && (collection.listRule === null || collection.listRule === undefined)) throw new ApiError(403, 'Only superusers can perform this action.');
  refuseSuperuserOnlyParams(ctx);
  return guarded(() => {
    const fields = resolver(ctx, collection, true);
    const rule = !ctx.isSuperuser && collection.listRule ? compileFilter(parseFilter(String(collection.listRule)), fields) : undefined;
    fields.allowHidden = ctx.isSuperuser;
    const filter = ctx.url.searchParams.get('filter');
    const client = filter && filter.trim() ? compileFilter(parseFilter(filter), fields) : undefined;
    const order = orderBy(fields, ctx.url.searchParams.get('sort') ?? '');
    const { joins, where } = fields.finish();
    const parts = [rule, client, where].filter((p) => p !== undefined);
    const query = parts.length === 0 ? { ...everything, joins } : { joins, where: { sql: parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) } };
    return { query, orderBy: order };
  });
}

/** Whether a record about to be created (`row`, stored form) passes `rule` (a create or manage rule). */
export function ruleAllowsNewRow(ctx: RequestContext, collection: CollectionJson, rule: string, row: Record<string, SqlValue>, body: Record<string, unknown>): boolean {
  const compiled = guarded(() => query(resolver(ctx, collection, true, body, 'r'), [rule]));
  return ctx.backend.rows.test(row, compiled);
}

/**
 * Whether the requester manages the auth record `id` through the collection's
 * manageRule (PocketBase's hasAuthManageAccess): never for an empty or null
 * rule or a guest; a rule that fails to compile grants nothing.
 */
export function managesRecord(ctx: RequestContext, collection: CollectionJson, id: string, body?: Record<string, unknown>): boolean {
  const rule = collection.manageRule;
  if (collection.type !== 'auth' || typeof rule !== 'string' || rule === '' || !ctx.auth) return false;
  try {
    return !!ctx.backend.rows.get(collection.name, id, query(resolver(ctx, collection, true, body), [rule]));
  } catch (error) {
    if (error instanceof FilterError) return false;
    throw error;
  }
}

/** The ids among `ids` the requester manages (their emails are shown regardless of emailVisibility). */
export function managedIds(ctx: RequestContext, collection: CollectionJson, ids: string[]): Set<string> {
  const rule = collection.manageRule;
  if (collection.type !== 'auth' || typeof rule !== 'string' || rule === '' || !ctx.auth || ids.length === 0 || ctx.isSuperuser) return new Set();
  try {
    const compiled = query(resolver(ctx, collection, true), [rule]);
    const inList: Query = { joins: compiled.joins, where: { sql: `r.id IN (${ids.map(() => '?').join(', ')}) AND ${compiled.where.sql}`, params: [...ids, ...compiled.where.params] } };
    return new Set(ctx.backend.rows.list(collection.name, inList, '', ids.length, 0).map((row) => row.id));
  } catch (error) {
    if (error instanceof FilterError) return new Set();
    throw error;
  }
}
