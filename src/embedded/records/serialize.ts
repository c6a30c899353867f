/**
 * @module embedded/records/serialize
 * A stored row as PocketBase's record JSON (core/record_model.go): every visible
 * field plus collectionId/collectionName; `password` and `tokenKey` never;
 * hidden fields only for superusers; `email` only where §5 allows it (self,
 * superusers, managers through the manageRule, or emailVisibility).
 */
import type { RequestContext, Row } from '../context.js';
import type { CollectionJson } from '../filter/index.js';
import { fromStorage } from '../schema/fields.js';

export function serializeRecord(collection: CollectionJson, row: Row, ctx: Pick<RequestContext, 'auth' | 'isSuperuser'>, options: { authResponse?: boolean; managed?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { collectionId: collection.id, collectionName: collection.name };
  const isAuth = collection.type === 'auth';
  for (const field of collection.fields) {
    if (field.type === 'password' || (isAuth && field.name === 'tokenKey')) continue;
    if (field.hidden && !ctx.isSuperuser) continue;
    out[field.name] = fromStorage(field, row[field.name]);
  }
  if (isAuth) {
    const isSelf = ctx.auth?.collection.id === collection.id && ctx.auth.record.id === row.id;
    const showEmail = options.authResponse || options.managed || ctx.isSuperuser || isSelf || out.emailVisibility === true;
    if (!showEmail) delete out.email;
  }
  return out;
}

/** PocketBase's `fields` query param: a comma list of (dotted) keys, `*` for all. */
export function pickFields(value: unknown, fields: string | null): unknown {
  if (!fields || !value || typeof value !== 'object') return value;
  const paths = fields.split(',').map((f) => f.trim().replace(/:excerpt\(.*\)$/, '')).filter(Boolean);
  if (paths.includes('*')) return value;
  const pick = (obj: Record<string, unknown>, list: string[][]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [head, ...rest] of list) {
      if (!head || !(head in obj)) continue;
      const child = obj[head];
      if (rest.length === 0 || rest[0] === '*') out[head] = child;
      else if (child && typeof child === 'object') out[head] = { ...(out[head] as object), ...pick(child as Record<string, unknown>, [rest]) };
    }
    return out;
  };
  const split = paths.map((p) => p.split('.'));
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.items)) return { ...record, items: record.items.map((item) => pick(item as Record<string, unknown>, split)) };
  return pick(record, split);
}
