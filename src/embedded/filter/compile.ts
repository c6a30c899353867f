/**
 * @module embedded/filter/compile
 * Turns a filter AST into a parameterised SQLite expression. Every literal is a
 * bound parameter; SQL text comes only from the resolver (schema names).
 *
 * Semantics follow PocketBase (tools/search/filter.go): `=`/`!=` treat NULL and
 * '' as equal; `~` is a case-insensitive LIKE that wraps a plain literal in `%`;
 * multi-valued operands must match for all items, or any item with `?` operators.
 */
import type { FilterExpr, Operand, Operator, SqlValue } from './types.js';

export type ResolvedIdentifier =
  | { kind: 'column'; sql: string; multiple?: boolean }
  | { kind: 'value'; value: SqlValue | SqlValue[] };

export interface IdentifierResolver {
  resolve(identifier: string): ResolvedIdentifier;
}

interface Side {
  sql: string;
  params: SqlValue[];
  /** SQL of a JSON array to iterate when the operand holds several values. */
  multi?: { sql: string; params: SqlValue[] };
  /** A string literal, for `~` wrapping. */
  literal?: SqlValue;
}

function side(operand: Operand, resolver: IdentifierResolver): Side {
  if (operand.kind === 'literal') return { sql: '?', params: [operand.value], literal: operand.value };
  const resolved = resolver.resolve(operand.name);
  if (resolved.kind === 'column') {
    return resolved.multiple
      ? { sql: resolved.sql, params: [], multi: { sql: resolved.sql, params: [] } }
      : { sql: resolved.sql, params: [] };
  }
  if (Array.isArray(resolved.value)) {
    const json = JSON.stringify(resolved.value);
    return { sql: '?', params: [json], multi: { sql: '?', params: [json] } };
  }
  return { sql: '?', params: [resolved.value] };
}

function likePattern(value: SqlValue): SqlValue {
  const text = String(value ?? '');
  if (text.includes('%')) return text;
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function comparison(left: Side, op: Operator, right: Side): { sql: string; params: SqlValue[] } {
  switch (op) {
    case '=':
      return { sql: `COALESCE(${left.sql}, '') = COALESCE(${right.sql}, '')`, params: [...left.params, ...right.params] };
    case '!=':
      return { sql: `COALESCE(${left.sql}, '') IS NOT COALESCE(${right.sql}, '')`, params: [...left.params, ...right.params] };
    case '~':
    case '!~': {
      const pattern =
        right.literal !== undefined
          ? { sql: '?', params: [likePattern(right.literal)] }
          : { sql: `'%' || ${right.sql} || '%'`, params: right.params };
      const not = op === '!~' ? 'NOT ' : '';
      return { sql: `${left.sql} ${not}LIKE ${pattern.sql} ESCAPE '\\'`, params: [...left.params, ...pattern.params] };
    }
    default:
      return { sql: `${left.sql} ${op} ${right.sql}`, params: [...left.params, ...right.params] };
  }
}

function compare(expr: Extract<FilterExpr, { kind: 'compare' }>, resolver: IdentifierResolver): { sql: string; params: SqlValue[] } {
  let left = side(expr.left, resolver);
  let right = side(expr.right, resolver);
  // Iterate the multi-valued operand (at most one is iterated; a second one compares as JSON text).
  const iterated = left.multi ? 'left' : right.multi ? 'right' : undefined;
  if (!iterated) return comparison(left, expr.op, right);
  const source = (iterated === 'left' ? left : right).multi!;
  const item: Side = { sql: 'je.value', params: [] };
  if (iterated === 'left') left = item;
  else right = { ...item, ...(right.literal !== undefined ? { literal: right.literal } : {}) };
  const inner = comparison(left, expr.op, right);
  const params = [...source.params, ...inner.params];
  return expr.any
    ? { sql: `EXISTS (SELECT 1 FROM json_each(${source.sql}) je WHERE ${inner.sql})`, params }
    : { sql: `NOT EXISTS (SELECT 1 FROM json_each(${source.sql}) je WHERE NOT (${inner.sql}))`, params };
}

export function compileFilter(expr: FilterExpr, resolver: IdentifierResolver): { sql: string; params: SqlValue[] } {
  if (expr.kind === 'compare') {
    const compiled = compare(expr, resolver);
    return { sql: `(${compiled.sql})`, params: compiled.params };
  }
  const left = compileFilter(expr.left, resolver);
  const right = compileFilter(expr.right, resolver);
  return { sql: `(${left.sql} ${expr.op} ${right.sql})`, params: [...left.params, ...right.params] };
}
