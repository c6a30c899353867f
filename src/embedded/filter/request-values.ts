/**
 * @module embedded/filter/request-values
 * The static side of the rule language: `@request.*` values taken from the
 * request (context, method, query, headers, body, the plain auth fields) and
 * the date macros, each as a bound parameter (PocketBase's
 * resolveStaticRequestField and tools/search/identifier_macros.go).
 */
import type { Resolved } from './compile.js';
import { FilterError, type CollectionJson, type SqlValue } from './types.js';

export interface RequestInfo {
  /** The authenticated record's fields (all of them, email included) plus its collection. */
  auth: (Record<string, unknown> & { collectionId: string; collectionName: string }) | null;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
  /** Header names lower-cased with `-` turned into `_`. */
  headers?: Record<string, string>;
  method?: string;
  context?: string;
}

const missing = Symbol('missing');

function extract(root: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return missing;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** `@request.<path>` as a parameter; `:isset` and `:lower` are the only modifiers. */
export function staticRequestValue(request: RequestInfo, base: CollectionJson, path: string[], modifier: string): Resolved {
  const root: Record<string, unknown> = {
    context: request.context ?? 'default',
    method: request.method ?? 'GET',
    query: request.query ?? {},
    headers: request.headers ?? {},
    body: request.body ?? {},
    auth: request.auth,
  };
  const raw = extract(root, path);
  if (modifier === 'isset') return { sql: raw === missing ? 'FALSE' : 'TRUE', params: [] };
  if (modifier && modifier !== 'lower') throw new FilterError(`Invalid modifier :${modifier}.`);
  let value: SqlValue;
  if (raw === missing || raw === null || raw === undefined) return { sql: 'NULL', params: [] };
  if (typeof raw === 'boolean') value = raw ? 1 : 0;
  else if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string') {
    // Form submissions send numbers as text: compare them as numbers for number fields.
    const field = base.fields.find((f) => f.name === path[path.length - 1]);
    value = field?.type === 'number' && raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  } else value = JSON.stringify(raw);
  return modifier === 'lower' ? { sql: 'LOWER(?)', params: [value] } : { sql: '?', params: [value] };
}

/** `@now`, `@todayStart`, ... as UTC datetime strings, `@hour`, `@day`, ... as numbers; undefined for anything else. */
export function dateMacro(name: string): SqlValue | undefined {
  const now = new Date();
  const iso = (d: Date) => d.toISOString().replace('T', ' ');
  const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()];
  switch (name.toLowerCase()) {
    case '@now': return iso(now);
    case '@yesterday': return iso(new Date(now.getTime() - 86_400_000));
    case '@tomorrow': return iso(new Date(now.getTime() + 86_400_000));
    case '@todaystart': return iso(utc(y, m, d));
    case '@todayend': return iso(new Date(utc(y, m, d + 1).getTime() - 1));
    case '@monthstart': return iso(utc(y, m, 1));
    case '@monthend': return iso(new Date(utc(y, m + 1, 1).getTime() - 1));
    case '@yearstart': return iso(utc(y, 0, 1));
    case '@yearend': return iso(new Date(utc(y + 1, 0, 1).getTime() - 1));
    case '@second': return now.getUTCSeconds();
    case '@minute': return now.getUTCMinutes();
    case '@hour': return now.getUTCHours();
    case '@weekday': return now.getUTCDay();
    case '@day': return d;
    case '@month': return m + 1;
    case '@year': return y;
    default: return undefined;
  }
}
