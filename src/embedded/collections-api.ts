/**
 * @module embedded/collections-api
 * `/api/collections` for superusers: list, view, create, update, delete,
 * truncate and import, in PocketBase's collection JSON (§1.5). Secrets are
 * never serialized.
 */
import { ApiError } from './api-error.js';
import type { RequestContext } from './context.js';
import { quote } from './db.js';
import { withoutSecrets } from './auth/oauth2-providers.js';
import type { CollectionJson } from './filter/index.js';

export function requireSuperuser(ctx: RequestContext): void {
  if (!ctx.auth) throw new ApiError(401, 'The request requires valid record authorization token.');
  if (!ctx.isSuperuser) throw new ApiError(403, 'The authorized record is not allowed to perform this action.');
}

function found(ctx: RequestContext, idOrName: string): CollectionJson {
  const collection = ctx.backend.collections.get(idOrName);
  if (!collection) throw new ApiError(404);
  return collection;
}

export function listCollections(ctx: RequestContext): unknown {
  const all = ctx.backend.collections.all();
  const page = Math.max(1, Number(ctx.url.searchParams.get('page')) || 1);
  const perPage = Math.min(1000, Math.max(1, Number(ctx.url.searchParams.get('perPage')) || 30));
  return {
    items: all.slice((page - 1) * perPage, page * perPage).map(withoutSecrets),
    page,
    perPage,
    totalItems: all.length,
    totalPages: Math.ceil(all.length / perPage),
  };
}

export const viewCollection = (ctx: RequestContext, idOrName: string): unknown => withoutSecrets(found(ctx, idOrName));

export function createCollection(ctx: RequestContext): unknown {
  const input = ctx.body as unknown as CollectionJson;
  if (input.id && ctx.backend.collections.get(String(input.id))) throw new ApiError(400, 'Failed to create collection.', { id: { code: 'validation_not_unique', message: 'Value must be unique.' } });
  const saved = ctx.backend.collections.save({ ...input, fields: input.fields ?? [] }, 'Failed to create collection.');
  ctx.backend.rows.reset();
  return withoutSecrets(saved);
}

export function updateCollection(ctx: RequestContext, idOrName: string): unknown {
  const existing = found(ctx, idOrName);
  const saved = ctx.backend.collections.save({ ...(ctx.body as unknown as CollectionJson), id: existing.id }, 'Failed to update collection.');
  ctx.backend.rows.reset();
  return withoutSecrets(saved);
}

export function deleteCollection(ctx: RequestContext, idOrName: string): void {
  const collection = found(ctx, idOrName);
  if (collection.system) throw new ApiError(400, 'Failed to delete collection due to existing dependency.');
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
