/**
 * @module embedded/records/rows
 * Row access for record tables with prepared statements cached by SQL text
 * (table and column names come from the collection schema, values are bound).
 */
import type { Row } from '../context.js';
import { quote, type Db } from '../db.js';
import type { SqlValue } from '../filter/index.js';

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

  get(table: string, id: string, where?: { sql: string; params: SqlValue[] }): Row | undefined {
    const extra = where ? ` AND ${where.sql}` : '';
    return this.#prepare(`SELECT * FROM ${quote(table)} r WHERE r.id = ?${extra} LIMIT 1`).get(id, ...(where?.params ?? [])) as Row | undefined;
  }

  findBy(table: string, column: string, value: SqlValue): Row | undefined {
    return this.#prepare(`SELECT * FROM ${quote(table)} WHERE ${quote(column)} = ? LIMIT 1`).get(value) as Row | undefined;
  }

  countIds(table: string, ids: string[]): number {
    const placeholders = ids.map(() => '?').join(', ');
    return (this.#prepare(`SELECT COUNT(*) AS n FROM ${quote(table)} WHERE id IN (${placeholders})`).get(...ids) as { n: number }).n;
  }

  list(table: string, where: { sql: string; params: SqlValue[] }, orderBy: string, limit: number, offset: number): Row[] {
    const order = orderBy ? ` ORDER BY ${orderBy}` : '';
    return this.#prepare(`SELECT r.* FROM ${quote(table)} r WHERE ${where.sql}${order} LIMIT ? OFFSET ?`).all(...where.params, limit, offset) as Row[];
  }

  count(table: string, where: { sql: string; params: SqlValue[] }): number {
    return (this.#prepare(`SELECT COUNT(*) AS n FROM ${quote(table)} r WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
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

  /** Evaluates a compiled rule against submitted values (no table involved). */
  test(expression: { sql: string; params: SqlValue[] }): boolean {
    const row = this.#prepare(`SELECT CASE WHEN ${expression.sql} THEN 1 ELSE 0 END AS ok`).get(...expression.params) as { ok: number };
    return row.ok === 1;
  }
}
