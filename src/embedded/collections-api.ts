/**
 * @module embedded/collections-api
 * `/api/collections` for superusers: list (with filter and sort), view,
 * create (never over an existing name), update, delete (refused while another
 * collection references it), truncate and import, in PocketBase's collection
 * JSON (§1.5). Secrets are never serialized.
 */
import { ApiError } from './api-error.js';
import type { RequestContext } from './context.js';
import { quote } from './db.js';
import { compileFilter, FilterError, parseFilter, type CollectionJson, type Fragment } from './filter/index.js';

export function requireSuperuser(ctx: RequestContext): void {
  if (!ctx.auth) throw new ApiError(401, 'The request requires valid record authorization token.');
  if (!ctx.isSuperuser) throw new ApiError(403, 'The authorized record is not allowed to perform this action.');
}

function found(ctx: RequestContext, idOrName: string): CollectionJson {
  const collection = ctx.backend.collections.get(idOrName);
  if (!collection) throw new ApiError(404);
  return collection;
}

const listable = ['id', 'created', 'updated', 'name', 'system', 'type'];
const collectionsSource = `(SELECT rowid AS _rowid, id, name, json, json_extract(json, '$.type') AS type, json_extract(json, '$.system') AS system,
  json_extract(json, '$.created') AS created, json_extract(json, '$.updated') AS updated FROM _collections)`;

/** `filter` and `sort` over the collections' id, created, updated, name, system and type (PocketBase's simple resolver). */
function collectionsQuery(ctx: RequestContext): { where: Fragment; order: string } {
  const resolver = {
    resolve(name: string) {
      if (!listable.includes(name)) throw new FilterError(`Unknown field "${name}".`);
      return { sql: `r.${quote(name)}`, params: [] };
    },
  };
  try {
    const filter = ctx.url.searchParams.get('filter') ?? '';
    const where = filter.trim() ? compileFilter(parseFilter(filter), resolver) : { sql: '1 = 1', params: [] };
    const terms = (ctx.url.searchParams.get('sort') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    const order = terms.map((term) => {
      const name = term.replace(/^[-+]/, '');
      if (!listable.includes(name)) throw new FilterError(`Unknown sort field "${name}".`);
      return `r.${quote(name)} ${term.startsWith('-') ? 'DESC' : 'ASC'}`;
    });
    return { where, order: [...order, 'r._rowid ASC'].join(', ') };
  } catch (error) {
    if (error instanceof FilterError) throw new ApiError(400);
    throw error;
  }
}

export function listCollections(ctx: RequestContext): unknown {
  const { where, order } = collectionsQuery(ctx);
  const page = Math.max(1, Number(ctx.url.searchParams.get('page')) || 1);
  const perPage = Math.min(1000, Math.max(1, Number(ctx.url.searchParams.get('perPage')) || 30));
  const db = ctx.backend.db;
  const totalItems = (db.prepare(`SELECT COUNT(*) AS n FROM ${collectionsSource} r WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
  const rows = db.prepare(`SELECT r.id FROM ${collectionsSource} r WHERE ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...where.params, perPage, (page - 1) * perPage) as { id: string }[];
  return {
    items: rows.map((row) => ctx.backend.collections.get(row.id)).filter(Boolean),
    page,
    perPage,
    totalItems,
    totalPages: Math.ceil(totalItems / perPage),
  };
}

export const viewCollection = (ctx: RequestContext, idOrName: string): unknown => found(ctx, idOrName);

export function createCollection(ctx: RequestContext): unknown {
  const input = ctx.body as unknown as CollectionJson;
  if (input.id && ctx.backend.collections.get(String(input.id))) throw new ApiError(400, 'Failed to create collection.', { id: { code: 'validation_not_unique', message: 'Value must be unique.' } });
  const saved = ctx.backend.collections.save({ ...input, fields: input.fields ?? [] }, 'Failed to create collection.', 'create');
  ctx.backend.rows.reset();
  return saved;
}

export function updateCollection(ctx: RequestContext, idOrName: string): unknown {
  const existing = found(ctx, idOrName);
  const saved = ctx.backend.collections.save({ ...(ctx.body as unknown as CollectionJson), id: existing.id }, 'Failed to update collection.');
  ctx.backend.rows.reset();
  return saved;
}

export function deleteCollection(ctx: RequestContext, idOrName: string): void {
  const collection = found(ctx, idOrName);
  if (collection.system) throw new ApiError(400, 'Failed to delete collection due to existing dependency.');
  const referrer = ctx.backend.collections.all().find((other) => other.id !== collection.id && other.fields.some((f) => f.type === 'relation' && f.collectionId === collection.id));
  if (referrer) throw new ApiError(400, `Failed to delete collection probably due to existing reference in ${referrer.name}.`);
  ctx.backend.collections.remove(collection.id);
  ctx.backend.rows.reset();
}

export function truncateCollection(ctx: RequestContext, idOrName: string): void {
  const collection = found(ctx, idOrName);
  ctx.backend.db.exec(`DELETE FROM ${quote(collection.name)}`);
}

export function importCollections(ctx: RequestContext): void {
  const list = ctx.body.collections;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ApiError(400, 'An error occurred while validating the submitted data.', { collections: { code: 'validation_required', message: 'Cannot be blank.' } });
  }
  ctx.backend.collections.import(list as CollectionJson[], ctx.body.deleteMissing === true);
  ctx.backend.rows.reset();
}
