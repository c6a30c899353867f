/**
 * @module embedded/records/list-params
 * `page`, `perPage`, `skipTotal` of list requests, with PocketBase's rules:
 * non-positive → default, perPage capped at 1000, a non-integer (or one beyond
 * 64 bits) or a non-boolean is a 400, at most 8 sort fields (resolved in rules.ts).
 */
import { ApiError } from '../api-error.js';

export interface ListParams {
  page: number;
  perPage: number;
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

/** Go's strconv.ParseBool: anything else is a 400. */
function bool(value: string | null): boolean {
  if (value === null || value === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new ApiError(400);
}

export function parseListParams(query: URLSearchParams): ListParams {
  const page = int(query.get('page'), 1);
  const perPage = Math.min(int(query.get('perPage'), 30), 1000);
  const skipTotal = bool(query.get('skipTotal'));
  const terms = (query.get('sort') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (terms.length > 8) throw new ApiError(400);
  return { page, perPage, skipTotal };
}
