/**
 * @module embedded/db
 * Opens the SQLite file. WAL with synchronous=FULL: once a write has returned
 * (and so before any 2xx goes out) it is on disk and survives `kill -9`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export function openDatabase(dir: string): Db {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'data.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS _collections (id TEXT PRIMARY KEY NOT NULL, name TEXT UNIQUE NOT NULL COLLATE NOCASE, json TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS _secrets (collectionId TEXT NOT NULL, kind TEXT NOT NULL, secret TEXT NOT NULL, PRIMARY KEY (collectionId, kind));
  `);
  return db;
}

/** Double-quotes an SQL identifier (names come from validated collection JSON). */
export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
