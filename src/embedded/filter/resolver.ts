/**
 * @module embedded/filter/resolver
 * Resolves filter identifiers against one collection and one request:
 * fields of the target record (as SQL columns, or as the submitted values of a
 * create), dotted paths through single relations, `@request.*`, date macros.
 *
 * Threat model: a client `?filter=` is attacker-controlled. It may name only the
 * collection's visible fields; `@request.*`/`@collection.*` are for superusers
 * (they could probe other users' data through the rule context).
 */
import type { IdentifierResolver, ResolvedIdentifier } from './compile.js';
import { FilterError, FilterForbiddenError, type CollectionJson, type FieldJson, type SqlValue } from './types.js';

export interface RequestInfo {
  auth: (Record<string, unknown> & { collectionId: string; collectionName: string }) | null;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  method?: string;
  context?: string;
}

export interface RecordResolverOptions {
  collection: CollectionJson;
  target: { alias: string } | { values: Record<string, unknown> };
  request: RequestInfo;
  isSuperuser: boolean;
  clientFilter: boolean;
  lookupCollection(idOrName: string): CollectionJson | undefined;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

function toSql(value: unknown): SqlValue | SqlValue[] {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => toSql(v) as SqlValue);
  return JSON.stringify(value);
}

function dateMacro(name: string): string | undefined {
  const now = new Date();
  const iso = (d: Date) => d.toISOString().replace('T', ' ');
  const day = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset));
  switch (name) {
    case '@now': return iso(now);
    case '@yesterday': return iso(new Date(now.getTime() - 86_400_000));
    case '@tomorrow': return iso(new Date(now.getTime() + 86_400_000));
    case '@todaystart': return iso(day(0));
    case '@todayend': return iso(new Date(day(1).getTime() - 1));
    case '@monthstart': return iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
    case '@monthend': return iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - 1));
    case '@yearstart': return iso(new Date(Date.UTC(now.getUTCFullYear(), 0, 1)));
    case '@yearend': return iso(new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1) - 1));
    default: return undefined;
  }
}

const isMultiple = (field: FieldJson) =>
  ['select', 'relation', 'file'].includes(field.type) && Number(field.maxSelect ?? 1) > 1;

export function createRecordResolver(options: RecordResolverOptions): IdentifierResolver {
  const { collection, request, isSuperuser, clientFilter } = options;
  let aliasCounter = 0;

  function field(coll: CollectionJson, name: string): FieldJson {
    const found = coll.fields.find((f) => f.name === name);
    if (!found) throw new FilterError(`Unknown field "${name}" in collection "${coll.name}".`);
    if (clientFilter && !isSuperuser && (found.hidden || found.type === 'password' || name === 'tokenKey')) {
      throw new FilterError(`Field "${name}" cannot be filtered.`);
    }
    return found;
  }

  /** `owner.email`: a correlated subquery through single relations. */
  function relationPath(coll: CollectionJson, base: { sql: string; params: SqlValue[] }, path: string[]): ResolvedIdentifier {
    let current = coll;
    let sql = base.sql;
    for (let i = 0; i < path.length - 1; i++) {
      const rel = field(current, path[i]!);
      if (rel.type !== 'relation' || isMultiple(rel)) throw new FilterError(`"${path[i]}" is not a single relation field.`);
      const target = options.lookupCollection(String(rel.collectionId ?? ''));
      if (!target) throw new FilterError(`Unknown relation collection of "${path[i]}".`);
      const alias = `__r${aliasCounter++}`;
      const last = field(target, path[i + 1]!);
      if (isMultiple(last) && i + 1 === path.length - 1) throw new FilterError('Multi-valued fields behind a relation are not supported.');
      sql = `(SELECT ${q(alias)}.${q(path[i + 1]!)} FROM ${q(target.name)} ${q(alias)} WHERE ${q(alias)}.id = ${sql})`;
      current = target;
    }
    if (base.params.length > 0) {
      // The base was a submitted relation id, already checked to be [a-z0-9]+ (see targetField), so it
      // can stand in the subquery as an SQL string literal: the resolver returns SQL without params.
      return { kind: 'column', sql: sql.replace('?', `'${String(base.params[0]).replace(/'/g, "''")}'`) };
    }
    return { kind: 'column', sql };
  }

  function targetField(name: string, modifier: string | undefined): ResolvedIdentifier {
    const path = name.split('.');
    const first = field(collection, path[0]!);
    if ('alias' in options.target) {
      const column = `${q(options.target.alias)}.${q(first.name)}`;
      if (path.length > 1) return relationPath(collection, { sql: column, params: [] }, path);
      if (modifier === 'length') return { kind: 'column', sql: `json_array_length(CASE WHEN json_valid(${column}) THEN ${column} ELSE '[]' END)` };
      if (modifier === 'lower') return { kind: 'column', sql: `LOWER(${column})` };
      return { kind: 'column', sql: column, multiple: isMultiple(first) };
    }
    const value = toSql(options.target.values[first.name]);
    if (path.length > 1) {
      if (typeof value !== 'string' || !/^[a-z0-9]+$/.test(value)) return { kind: 'value', value: null };
      return relationPath(collection, { sql: '?', params: [value] }, path);
    }
    if (modifier === 'length') return { kind: 'value', value: Array.isArray(value) ? value.length : value ? 1 : 0 };
    if (modifier === 'lower') return { kind: 'value', value: typeof value === 'string' ? value.toLowerCase() : value };
    return { kind: 'value', value };
  }

  function requestValue(path: string[], modifier: string | undefined): ResolvedIdentifier {
    const [scope, key] = path;
    switch (scope) {
      case 'auth': {
        if (!key || path.length > 2) throw new FilterError('Only plain @request.auth fields are supported.');
        const value = request.auth ? toSql(request.auth[key]) : null;
        return { kind: 'value', value: modifier === 'lower' && typeof value === 'string' ? value.toLowerCase() : value };
      }
      case 'body': {
        if (!key || path.length > 2) throw new FilterError('Only plain @request.body fields are supported.');
        const body = request.body ?? {};
        if (modifier === 'isset') return { kind: 'value', value: key in body ? 1 : 0 };
        return { kind: 'value', value: toSql(body[key]) };
      }
      case 'query': return { kind: 'value', value: key ? (request.query?.[key] ?? null) : null };
      case 'headers': return { kind: 'value', value: key ? (request.headers?.[key.toLowerCase()] ?? null) : null };
      case 'method': return { kind: 'value', value: request.method ?? 'GET' };
      case 'context': return { kind: 'value', value: request.context ?? 'default' };
      default: throw new FilterError(`Unknown identifier "@request.${path.join('.')}".`);
    }
  }

  return {
    resolve(identifier: string): ResolvedIdentifier {
      const [name = '', modifier, extra] = identifier.split(':');
      if (extra !== undefined || (modifier && !['isset', 'length', 'lower'].includes(modifier))) {
        throw new FilterError(`Unsupported modifier in "${identifier}".`);
      }
      if (name.startsWith('@request.')) {
        if (clientFilter && !isSuperuser) throw new FilterForbiddenError('Only superusers can filter by @request.');
        return requestValue(name.slice('@request.'.length).split('.'), modifier);
      }
      if (name.startsWith('@collection.')) {
        if (clientFilter && !isSuperuser) throw new FilterForbiddenError('Only superusers can filter by @collection.');
        throw new FilterError('@collection joins are not supported by the embedded backend.');
      }
      if (name.startsWith('@')) {
        const macro = dateMacro(name.toLowerCase());
        if (macro === undefined) throw new FilterError(`Unknown identifier "${name}".`);
        return { kind: 'value', value: macro };
      }
      if (modifier === 'isset') throw new FilterError(':isset applies to @request.body fields only.');
      return targetField(name, modifier);
    },
  };
}
