/**
 * @module embedded/filter/types
 * The filter AST, SQL fragments, and the minimal collection shapes the compiler
 * needs (PocketBase's collection JSON, options flat on each field).
 */

export type SqlValue = string | number | null;

/** SQL text with its positional parameters, in text order. */
export interface Fragment {
  sql: string;
  params: SqlValue[];
}

export interface FieldJson {
  id?: string;
  name: string;
  type: string;
  hidden?: boolean;
  maxSelect?: number;
  collectionId?: string;
  [option: string]: unknown;
}

export interface CollectionJson {
  id: string;
  name: string;
  type: string;
  fields: FieldJson[];
  [key: string]: unknown;
}

export type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~';

export type Operand =
  | { kind: 'text'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'identifier'; name: string };

export type FilterExpr =
  | { kind: 'compare'; left: Operand; op: Operator; any: boolean; right: Operand }
  | { kind: 'logical'; op: 'AND' | 'OR'; left: FilterExpr; right: FilterExpr };

/** Syntax errors, unknown fields, unsupported syntax: the backend answers 400. */
export class FilterError extends Error {}

/** Filters a non-superuser may not use (`@request.*`, `@collection.*` in ?filter=): 403. */
export class FilterForbiddenError extends Error {}
