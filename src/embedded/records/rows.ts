/**
 * @module embedded/records/rows
 * Row access for record tables with prepared statements cached by SQL text
 * (table and column names come from the collection schema, values are bound).
 */
import type { Row } from '../context.js';
import { quote, type Db } from '../db.js';
import type { Fragment, SqlValue } from '../filter/index.js';

/** A compiled rule/filter: the LEFT JOINs it needs and its WHERE, both on alias `r`. */
export interface Query {
  joins: Fragment;
  where: Fragment;
}

/** Joins can repeat a row: keep each record once (PocketBase's DISTINCT). */
const select = (query: Query) => (query.joins.sql ? 'SELECT DISTINCT r.*' : 'SELECT r.*');
const joined = (table: string, query: Query) => `FROM ${quote(table)} r ${query.joins.sql}`;

// Statements are used with positional parameters only.
type Statement = { get(...params: unknown[]): unknown; all(...params: unknown[]): unknown[]; run(...params: unknown[]): unknown };

export class Rows {
  readonly #db: Db;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Db) {
    this.#db = db;
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql) as unknown as Statement;
      if (this.#statements.size > 500) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Forgets cached statements (after a schema change). */
  reset(): void {
    this.#statements.clear();
  }

  get(table: string, id: string, query?: Query): Row | undefined {
    if (!query) return this.#prepare(`SELECT * FROM ${quote(table)} r WHERE r.id = ? LIMIT 1`).get(id) as Row | undefined;
    return this.#prepare(`${select(query)} ${joined(table, query)} WHERE r.id = ? AND ${query.where.sql} LIMIT 1`).get(...query.joins.params, id, ...query.where.params) as Row | undefined;
  }

  findBy(table: string, column: string, value: SqlValue, nocase = false): Row | undefined {
    return this.#prepare(`SELECT * FROM ${quote(table)} WHERE ${quote(column)} = ?${nocase ? ' COLLATE NOCASE' : ''} LIMIT 1`).get(value) as Row | undefined;
  }

  countIds(table: string, ids: string[]): number {
    const placeholders = ids.map(() => '?').join(', ');
    return (this.#prepare(`SELECT COUNT(*) AS n FROM ${quote(table)} WHERE id IN (${placeholders})`).get(...ids) as { n: number }).n;
  }

  list(table: string, query: Query, orderBy: string, limit: number, offset: number): Row[] {
    const order = orderBy ? ` ORDER BY ${orderBy}` : '';
    return this.#prepare(`${select(query)} ${joined(table, query)} WHERE ${query.where.sql}${order} LIMIT ? OFFSET ?`).all(...query.joins.params, ...query.where.params, limit, offset) as Row[];
  }

  count(table: string, query: Query): number {
    const what = query.joins.sql ? 'COUNT(DISTINCT r.id)' : 'COUNT(*)';
    return (this.#prepare(`SELECT ${what} AS n ${joined(table, query)} WHERE ${query.where.sql}`).get(...query.joins.params, ...query.where.params) as { n: number }).n;
  }

  insert(table: string, values: Record<string, SqlValue>): void {
    const columns = Object.keys(values);
    this.#prepare(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...Object.values(values));
  }

  update(table: string, id: string, values: Record<string, SqlValue>): void {
    const columns = Object.keys(values);
    if (columns.length === 0) return;
    this.#prepare(`UPDATE ${quote(table)} SET ${columns.map((c) => `${quote(c)} = ?`).join(', ')} WHERE id = ?`).run(...Object.values(values), id);
  }

  delete(table: string, id: string): void {
    this.#prepare(`DELETE FROM ${quote(table)} WHERE id = ?`).run(id);
  }

  /** Whether a record that is not stored yet (`values`, as the row `r`) passes a compiled rule. */
  test(values: Record<string, SqlValue>, query: Query): boolean {
    const columns = Object.keys(values);
    const cte = `WITH r AS (SELECT ${columns.map((c) => `? AS ${quote(c)}`).join(', ')})`;
    const sql = `${cte} SELECT 1 AS ok FROM r ${query.joins.sql} WHERE ${query.where.sql} LIMIT 1`;
    return this.#prepare(sql).get(...Object.values(values), ...query.joins.params, ...query.where.params) !== undefined;
  }
}
