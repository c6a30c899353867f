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
import { excerptOf } from './excerpt.js';

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

/** Splits the `fields` param on commas outside parentheses (`title:excerpt(10,true),id`). */
function fieldList(fields: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of fields) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  out.push(current.trim());
  return out.filter(Boolean);
}

type Json = Record<string, unknown>;
interface FieldPick { path: string[]; excerpt?: string[] }

function pickOne(obj: Json, picks: FieldPick[]): Json {
  const out: Json = {};
  for (const { path: [head, ...rest], excerpt } of picks) {
    if (!head || !(head in obj)) continue;
    const child = obj[head];
    if (rest.length === 0 || rest[0] === '*') out[head] = excerpt ? excerptOf(child, excerpt) : child;
    else if (child && typeof child === 'object') {
      const nested = (list: Json) => pickOne(list, [{ path: rest, ...(excerpt ? { excerpt } : {}) }]);
      out[head] = Array.isArray(child)
        ? child.map((item, i) => ({ ...((out[head] as Json[] | undefined)?.[i] ?? {}), ...nested(item as Json) }))
        : { ...(out[head] as Json | undefined), ...nested(child as Json) };
    }
  }
  return out;
}

/** PocketBase's `fields` query param: a comma list of (dotted) keys, `*` for all, `:excerpt(max, ellipsis)` on a key. */
export function pickFields(value: unknown, fields: string | null): unknown {
  if (!fields || !value || typeof value !== 'object') return value;
  const picks: FieldPick[] = fieldList(fields).map((entry) => {
    const m = /^(.*?):excerpt\((.*)\)$/.exec(entry);
    return m ? { path: m[1]!.split('.'), excerpt: m[2]!.split(',') } : { path: entry.split('.') };
  });
  const star = picks.find((p) => p.path[0] === '*' && p.path.length === 1 && !p.excerpt);
  const apply = (obj: Json): Json => {
    const picked = pickOne(obj, picks.filter((p) => p !== star));
    return star ? { ...obj, ...picked } : picked;
  };
  const record = value as Json;
  if (Array.isArray(record.items)) return { ...record, items: record.items.map((item) => apply(item as Json)) };
  return apply(record);
}
