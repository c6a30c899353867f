/**
 * @module embedded/context
 * The backend's shared state and what one request carries through handlers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from './db.js';
import type { CollectionJson } from './filter/index.js';
import type { Body } from './http-body.js';
import type { Mailer } from './mailer.js';
import type { Rows } from './records/rows.js';
import type { CollectionStore } from './schema/collection-store.js';

export type Row = Record<string, unknown> & { id: string };

export interface Backend {
  db: Db;
  collections: CollectionStore;
  rows: Rows;
  mailer: Mailer;
  log: (line: string) => void;
}

export interface RequestAuth {
  collection: CollectionJson;
  record: Row;
  claims: Record<string, unknown>;
}

export interface RequestContext {
  backend: Backend;
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Body;
  auth: RequestAuth | null;
  isSuperuser: boolean;
  /** `@request.context` of the rules checked: `default`, `expand` while expanding, `password` in a password sign-in. */
  ruleContext?: string;
}
