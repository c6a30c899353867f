/**
 * @module embedded/records/list-params
 * `page`, `perPage`, `sort`, `skipTotal` of list requests, with PocketBase's
 * rules: non-positive → default, perPage capped at 1000, a non-integer (or
 * one beyond 64 bits) is a 400, at most 8 sort fields, unknown sort fields a 400.
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

const int64Max = 2n ** 63n - 1n;

function int(value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback;
  if (!/^-?\d+$/.test(value)) throw new ApiError(400);
  // PocketBase parses into an int64: a number beyond it is a 400, like any other bad integer.
  const big = BigInt(value);
  if (big > int64Max || big < -int64Max - 1n) throw new ApiError(400);
  const n = Number(value);
  return n <= 0 ? fallback : n;
}

export function parseListParams(query: URLSearchParams, collection: CollectionJson, isSuperuser: boolean): ListParams {
  const page = int(query.get('page'), 1);
  const perPage = Math.min(int(query.get('perPage'), 30), 1000);
  const skipTotal = ['1', 't', 'true', 'T', 'TRUE', 'True'].includes(query.get('skipTotal') ?? '');
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
