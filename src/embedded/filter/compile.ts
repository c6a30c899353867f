/**
 * @module embedded/filter/compile
 * Turns a filter AST into a parameterised SQLite expression, as PocketBase's
 * tools/search/filter.go does. Every literal is a bound parameter; SQL text
 * comes only from the resolver (schema names, quoted).
 *
 * Semantics: `=`/`!=` treat NULL and '' as equal; `~` is a LIKE that wraps a
 * bound value in `%` (escaping `\`, `%`, `_`) unless it holds an unescaped `%`;
 * an operand that fans out over several values (multiple relations, `:each`,
 * back-relations) must match for every value unless the operator is a `?`
 * any-match one, which is checked with a NOT EXISTS over the operand's
 * multi-match subquery.
 */
import { FilterError, type FilterExpr, type Fragment, type Operand, type Operator, type SqlValue } from './types.js';

export type NullFallback = 'auto' | 'disabled' | 'enforced';

export interface Resolved extends Fragment {
  nullFallback?: NullFallback;
  /** `SELECT <value> AS multiMatchValue ...` correlated to the current row: every value of a fan-out. */
  multiMatch?: Fragment;
  /** Wraps the whole comparison (e.g. the emailVisibility guard). */
  afterBuild?: (expr: Fragment) => Fragment;
}

export interface FieldResolver {
  resolve(identifier: string): Resolved;
  /** Told of each "every value" subquery the filter needs (each one costs a scan per joined row); may refuse it. */
  countEveryValueCheck?(): void;
}

const normalized: Record<string, string> = { null: 'NULL', true: '1', false: '0' };

function operand(value: Operand, resolver: FieldResolver): Resolved {
  if (value.kind === 'text') return { sql: '?', params: [value.value] };
  if (value.kind === 'number') return { sql: '?', params: [value.value] };
  const keyword = normalized[value.name.toLowerCase()];
  if (keyword) return { sql: keyword, params: [] };
  return resolver.resolve(value.name);
}

const hasEmptyParam = (r: Resolved) => r.params.some((p) => p === null || p === '');
const isEmptyIdentifier = (r: Resolved) => ['', 'null', "''", '""', '``'].includes(r.sql.toLowerCase());
const isKnownNonEmpty = (r: Resolved) =>
  r.nullFallback !== 'enforced' && (['1', '0', 'true', 'false'].includes(r.sql.toLowerCase()) || (r.params.length > 0 && !hasEmptyParam(r) && !isEmptyIdentifier(r)));

/** `=`/`!=` with as little COALESCE as possible (keeps column affinity, as PocketBase). */
function equalExpr(equal: boolean, left: Resolved, right: Resolved): Fragment {
  const params = [...left.params, ...right.params];
  const op = equal ? '=' : 'IS NOT';
  if (left.nullFallback === 'disabled' || right.nullFallback === 'disabled') {
    return { sql: `${left.sql} ${equal ? 'IS' : 'IS NOT'} ${right.sql}`, params };
  }
  const leftEmpty = isEmptyIdentifier(left) || (left.nullFallback !== 'enforced' && left.params.length === 1 && hasEmptyParam(left));
  const rightEmpty = isEmptyIdentifier(right) || (right.nullFallback !== 'enforced' && right.params.length === 1 && hasEmptyParam(right));
  if (leftEmpty && rightEmpty) return { sql: `'' ${op} ''`, params: [] };
  if (isKnownNonEmpty(left) || isKnownNonEmpty(right)) {
    return { sql: `${leftEmpty ? "''" : left.sql} ${op} ${rightEmpty ? "''" : right.sql}`, params: [...(leftEmpty ? [] : left.params), ...(rightEmpty ? [] : right.params)] };
  }
  const join = equal ? 'OR' : 'AND';
  const isNull = equal ? 'IS NULL' : 'IS NOT NULL';
  if (leftEmpty) return { sql: `('' ${op} ${right.sql} ${join} ${right.sql} ${isNull})`, params: [...right.params, ...right.params] };
  if (rightEmpty) return { sql: `(${left.sql} ${op} '' ${join} ${left.sql} ${isNull})`, params: [...left.params, ...left.params] };
  return { sql: `COALESCE(${left.sql}, '') ${op} COALESCE(${right.sql}, '')`, params };
}

/** Whether `text` holds `ch` not preceded by a backslash (a `\\` pair escapes nothing). */
function hasUnescaped(text: string, ch: string): boolean {
  let previous = '';
  for (const c of text) {
    if (c === ch && previous !== '\\') return true;
    previous = c === '\\' && previous === '\\' ? '' : c;
  }
  return false;
}

/** Escapes every `\`, `%`, `_` not already preceded by a backslash (scanning from the end, as PocketBase). */
function escapeLike(text: string): string {
  const chars = [...text];
  const out: string[] = [];
  let pending = false;
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i]!;
    if (pending) {
      if (c !== '\\') out.push('\\');
      pending = false;
    } else if (c === '\\' || c === '%' || c === '_') pending = true;
    out.push(c);
    if (i === 0 && pending) out.push('\\');
  }
  return out.reverse().join('');
}

function likeParam(value: SqlValue): SqlValue {
  const text = value === null ? '' : String(value);
  return hasUnescaped(text, '%') ? text : `%${escapeLike(text)}%`;
}

function opExpr(left: Resolved, op: Operator, right: Resolved): Fragment {
  switch (op) {
    case '=': return equalExpr(true, left, right);
    case '!=': return equalExpr(false, left, right);
    case '~':
    case '!~': {
      const not = op === '!~' ? 'NOT ' : '';
      if (right.params.length === 0) return { sql: `${left.sql} ${not}LIKE ('%' || ${right.sql} || '%') ESCAPE '\\'`, params: left.params };
      return { sql: `${left.sql} ${not}LIKE ${right.sql} ESCAPE '\\'`, params: [...left.params, ...right.params.map(likeParam)] };
    }
    default:
      return { sql: `${left.sql} ${op} ${right.sql}`, params: [...left.params, ...right.params] };
  }
}

const not = (expr: Fragment): Fragment => ({ sql: `NOT (${expr.sql})`, params: expr.params });

function comparison(left: Resolved, op: Operator, any: boolean, right: Resolved, resolver?: FieldResolver): Fragment {
  let expr = opExpr(left, op, right);
  if (!any && (left.multiMatch || right.multiMatch)) {
    resolver?.countEveryValueCheck?.();
    // Every value of a fan-out must match: no value of the multi-match subquery may fail.
    let every: Fragment;
    if (left.multiMatch && right.multiMatch) {
      const inner = comparison({ sql: '__ml.multiMatchValue', params: [], nullFallback: left.nullFallback }, op, true, { sql: '__mr.multiMatchValue', params: [], nullFallback: right.nullFallback });
      every = { sql: `NOT EXISTS (SELECT 1 FROM (${left.multiMatch.sql}) __ml LEFT JOIN (${right.multiMatch.sql}) __mr WHERE ${not(inner).sql})`, params: [...left.multiMatch.params, ...right.multiMatch.params, ...inner.params] };
    } else {
      const many = left.multiMatch ? left : right;
      const value: Resolved = { sql: '__sm.multiMatchValue', params: [], nullFallback: many.nullFallback };
      const other: Resolved = { sql: (left.multiMatch ? right : left).sql, params: (left.multiMatch ? right : left).params };
      const inner = left.multiMatch ? opExpr(value, op, other) : opExpr(other, op, value);
      every = { sql: `NOT EXISTS (SELECT 1 FROM (${many.multiMatch!.sql}) __sm WHERE ${not(inner).sql})`, params: [...many.multiMatch!.params, ...inner.params] };
    }
    expr = { sql: `(${expr.sql} AND ${every.sql})`, params: [...expr.params, ...every.params] };
  }
  if (left.afterBuild) expr = left.afterBuild(expr);
  if (right.afterBuild) expr = right.afterBuild(expr);
  return expr;
}

export function compileFilter(expr: FilterExpr, resolver: FieldResolver): Fragment {
  if (expr.kind === 'compare') {
    const left = operand(expr.left, resolver);
    const right = operand(expr.right, resolver);
    if (!left.sql || !right.sql) throw new FilterError('Invalid operand.');
    const compiled = comparison(left, expr.op, expr.any, right, resolver);
    return { sql: `(${compiled.sql})`, params: compiled.params };
  }
  const left = compileFilter(expr.left, resolver);
  const right = compileFilter(expr.right, resolver);
  return { sql: `(${left.sql} ${expr.op} ${right.sql})`, params: [...left.params, ...right.params] };
}
