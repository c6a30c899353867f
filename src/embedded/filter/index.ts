/**
 * @module embedded/filter
 * PocketBase's filter and rule language, compiled to parameterised SQLite.
 */
export { parseFilter } from './parser.js';
export { compileFilter, type IdentifierResolver, type ResolvedIdentifier } from './compile.js';
export { createRecordResolver, type RecordResolverOptions, type RequestInfo } from './resolver.js';
export { FilterError, FilterForbiddenError, type CollectionJson, type FieldJson, type FilterExpr, type SqlValue } from './types.js';
