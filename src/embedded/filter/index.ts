/**
 * @module embedded/filter
 * PocketBase's filter and rule language, compiled to parameterised SQLite.
 */
export { parseFilter } from './parser.js';
export { compileFilter, type FieldResolver, type Resolved } from './compile.js';
export { RecordFieldResolver, q, type ResolverOptions } from './resolver.js';
export type { RequestInfo } from './request-values.js';
export { FilterError, FilterForbiddenError, type CollectionJson, type FieldJson, type FilterExpr, type Fragment, type SqlValue } from './types.js';
