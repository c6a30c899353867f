/**
 * @module embedded/db
 * Opens the SQLite file. WAL with synchronous=FULL: once a write has returned
 * (and so before any 2xx goes out) it is on disk and survives `kill -9`.
 *
 * The database holds password hashes and the token secrets (anyone who reads
 * it can mint tokens), so the data dir is 0700 and the database files 0600,
 * created that way and tightened on every start if they were looser.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export function openDatabase(dir: string): Db {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
  const file = join(dir, 'data.db');
  // An empty file is an empty database; creating it first fixes its mode, and SQLite
  // gives the -wal and -shm files it creates the mode of the database file.
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) tighten(path, 0o600);
  const db = new Database(file);
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

/** Removes group and other permissions beyond `mode` (an owner's own bits are left alone). */
function tighten(path: string, mode: number): void {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) !== 0) chmodSync(path, current & mode);
}

/** Double-quotes an SQL identifier (names come from validated collection JSON). */
export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
