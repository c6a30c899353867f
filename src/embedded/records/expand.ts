/**
 * @module embedded/records/expand
 * PocketBase's `expand` query param: relation fields named in a comma list
 * (dotted for nesting, at most 6 levels) are replaced by the related records
 * under `record.expand.<field>`. A related record is included only when the
 * requester passes its collection's viewRule (superusers always); anything that
 * fails is silently left out (leaving `expand: {}`), as upstream does.
 */
import { ApiError } from '../api-error.js';
import type { RequestContext } from '../context.js';
import type { CollectionJson } from '../filter/index.js';
import { isMultiple } from '../schema/fields.js';
import { managesRecord, ruleQuery } from './rules.js';
import { serializeRecord } from './serialize.js';

type Json = Record<string, unknown>;
const maxDepth = 6;

function related(ctx: RequestContext, target: CollectionJson, id: string): Json | undefined {
  let where;
  try {
    where = ruleQuery(ctx, target, target.viewRule);
  } catch (error) {
    if (error instanceof ApiError) return undefined; // a locked (null) viewRule hides the record
    throw error;
  }
  const row = ctx.backend.rows.get(target.name, id, where);
  // Expanded auth records show their email to managers, as listed ones do.
  return row ? serializeRecord(target, row, ctx, { managed: managesRecord(ctx, target, row.id) }) : undefined;
}

function expandOne(ctx: RequestContext, collection: CollectionJson, record: Json, path: string[]): void {
  const [name, ...rest] = path;
  const field = collection.fields.find((f) => f.name === name && f.type === 'relation');
  const target = field && ctx.backend.collections.get(String(field.collectionId ?? ''));
  if (!field || !target || !name) return;
  // A valid relation path yields an `expand` key on every record, even when nothing in it may be
  // shown (core/record_query_expand.go), unless fetching fails: a superuser-only target.
  if (!ctx.isSuperuser && (target.viewRule === null || target.viewRule === undefined)) return;
  record.expand ??= {};
  const existing = (record.expand as Json | undefined)?.[name];
  let value = existing;
  if (value === undefined) {
    const ids = (Array.isArray(record[name]) ? record[name] : record[name] ? [record[name]] : []) as string[];
    const found = ids.map((id) => related(ctx, target, id)).filter((r): r is Json => r !== undefined);
    if (found.length === 0) return;
    value = isMultiple(field) ? found : found[0];
    record.expand = { ...(record.expand as Json | undefined), [name]: value };
  }
  if (rest.length > 0) for (const child of (Array.isArray(value) ? value : [value]) as Json[]) expandOne(ctx, target, child, rest);
}

/** Applies `?expand=` to serialized records in place. */
export function expandRecords(request: RequestContext, collection: CollectionJson, records: Json[]): void {
  const param = request.url.searchParams.get('expand');
  if (!param) return;
  const ctx: RequestContext = { ...request, ruleContext: 'expand' };
  const paths = param.split(',').map((p) => p.trim().split('.').slice(0, maxDepth)).filter((p) => p[0]);
  for (const record of records) for (const path of paths) expandOne(ctx, collection, record, path);
}
