/**
 * @module embedded/records/list-params
 * `page`, `perPage`, `sort`, `skipTotal` of list requests, with PocketBase's
 * rules: non-positive → default, perPage capped at 1000, a non-integer is a
 * 400, at most 8 sort fields, unknown sort fields a 400.
 */
import { ApiError } from '../api-error.js';
import { quote } from '../db.js';
import type { CollectionJson } from '../filter/index.js';

export interface ListParams {
  page: number;
  perPage: number;
  orderBy: string;
  skipTotal: boolean;
}

function int(value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback;
  if (!/^-?\d+$/.test(value)) throw new ApiError(400);
  const n = Number(value);
  return n <= 0 ? fallback : n;
}

/** Go's strconv.ParseBool: anything else is a 400. */
function bool(value: string | null): boolean {
  if (value === null || value === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new ApiError(400);
}

export function parseListParams(query: URLSearchParams, collection: CollectionJson, isSuperuser: boolean): ListParams {
  const page = int(query.get('page'), 1);
  const perPage = Math.min(int(query.get('perPage'), 30), 1000);
  const skipTotal = bool(query.get('skipTotal'));
  const sort = query.get('sort') ?? '';
  const terms = sort.split(',').map((t) => t.trim()).filter(Boolean);
  if (terms.length > 8) throw new ApiError(400);
  const orderBy = terms
    .map((term) => {
      const desc = term.startsWith('-');
      const name = term.replace(/^[-+]/, '');
      if (name === '@random') return 'RANDOM()';
      if (name === '@rowid') return `r.rowid ${desc ? 'DESC' : 'ASC'}`;
      if (name.startsWith('@request.') || name.startsWith('@collection.')) {
        if (!isSuperuser) throw new ApiError(403, `Only superusers can filter by ${name.startsWith('@request.') ? '@request.' : '@collection.'}`);
        throw new ApiError(400);
      }
      const field = collection.fields.find((f) => f.name === name);
      if (!field || ((field.hidden || field.type === 'password') && !isSuperuser)) throw new ApiError(400);
      return `r.${quote(name)} ${desc ? 'DESC' : 'ASC'}`;
    })
    .join(', ');
  return { page, perPage, orderBy, skipTotal };
}
