/**
 * @module embedded/schema/collection-store
 * The collections: their JSON in `_collections`, one table each, per-collection
 * token secrets in `_secrets`. Loaded once; every change goes through here so
 * the in-memory view and the tables never disagree.
 */
import { ApiError, fieldError, type ErrorData } from '../api-error.js';
import { quote, type Db } from '../db.js';
import { compileFilter, parseFilter, RecordFieldResolver, type CollectionJson } from '../filter/index.js';
import { randomString } from '../ids.js';
import { defaultCollections, withDefaults } from './defaults.js';
import { fieldNameErrors } from './field-names.js';
import { fieldOptionErrors } from './field-options.js';
import { columnDefinition } from './fields.js';

const ruleKeys = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule', 'authRule', 'manageRule'] as const;
const indexPattern = /^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+[`"]?(\w+)[`"]?\s+ON\s+[`"]?(\w+)[`"]?\s*\([^;]*\)(\s+WHERE\s+[^;]*)?\s*$/i;

export class CollectionStore {
  readonly #db: Db;
  readonly #byId = new Map<string, CollectionJson>();
  readonly #byName = new Map<string, CollectionJson>();
  /** Token secrets by `collectionId/kind`: read on every authenticated request, so kept in memory. */
  readonly #secrets = new Map<string, string>();

  constructor(db: Db) {
    this.#db = db;
    this.#load();
    if (this.#byId.size === 0) db.transaction(() => defaultCollections().forEach((c) => this.#write(c, undefined)))();
  }

  #load(): void {
    this.#byId.clear();
    this.#byName.clear();
    for (const row of this.#db.prepare('SELECT json FROM _collections').all() as { json: string }[]) {
      this.#remember(JSON.parse(row.json) as CollectionJson);
    }
  }

  all(): CollectionJson[] {
    return [...this.#byId.values()];
  }

  get(idOrName: string): CollectionJson | undefined {
    return this.#byId.get(idOrName) ?? this.#byName.get(idOrName.toLowerCase());
  }

  /**
   * Creates or replaces (merging over the existing one) a collection; throws
   * a 400 ApiError. `create` never merges: a taken name is refused.
   */
  save(input: CollectionJson, failure: string, mode: 'create' | 'upsert' = 'upsert'): CollectionJson {
    const existing = mode === 'create' ? undefined : (input.id && this.#byId.get(input.id)) || (input.name ? this.#byName.get(String(input.name).toLowerCase()) : undefined);
    const merged = existing ? this.#merge(existing, input) : withDefaults(input);
    this.#validate(merged, existing, failure, mode === 'create');
    this.#db.transaction(() => this.#write(merged, existing))();
    // PocketBase signs auth tokens with a new secret when the authRule changes: old sessions end.
    if (existing && existing.type === 'auth' && (existing.authRule ?? '') !== (merged.authRule ?? '')) this.#forgetSecret(merged.id, 'authToken');
    return merged;
  }

  /** PUT /api/collections/import: all or nothing. */
  import(list: CollectionJson[], deleteMissing: boolean): void {
    try {
      this.#db.transaction(() => {
        const kept = new Set<string>();
        for (const item of list) kept.add(this.save(item, 'Failed to import collections.').id);
        if (deleteMissing) for (const c of this.all()) if (!kept.has(c.id) && !c.system) this.remove(c.id);
      })();
    } catch (error) {
      this.#load(); // the transaction rolled back: forget what the failed import put in memory
      throw error;
    }
  }

  remove(idOrName: string): void {
    const c = this.get(idOrName);
    if (!c) return;
    this.#db.transaction(() => {
      this.#db.exec(`DROP TABLE IF EXISTS ${quote(c.name)}`);
      this.#db.prepare('DELETE FROM _collections WHERE id = ?').run(c.id);
      this.#db.prepare('DELETE FROM _secrets WHERE collectionId = ?').run(c.id);
    })();
    this.#byId.delete(c.id);
    this.#byName.delete(c.name.toLowerCase());
    for (const key of [...this.#secrets.keys()]) if (key.startsWith(`${c.id}/`)) this.#secrets.delete(key);
  }

  /** The signing secret of one token kind of a collection, made on first use. */
  secret(collectionId: string, kind: string): string {
    const key = `${collectionId}/${kind}`;
    const known = this.#secrets.get(key);
    if (known) return known;
    this.#db.prepare('INSERT OR IGNORE INTO _secrets (collectionId, kind, secret) VALUES (?, ?, ?)').run(collectionId, kind, randomString(50));
    const { secret } = this.#db.prepare('SELECT secret FROM _secrets WHERE collectionId = ? AND kind = ?').get(collectionId, kind) as { secret: string };
    this.#secrets.set(key, secret);
    return secret;
  }

  #forgetSecret(collectionId: string, kind: string): void {
    this.#db.prepare('DELETE FROM _secrets WHERE collectionId = ? AND kind = ?').run(collectionId, kind);
    this.#secrets.delete(`${collectionId}/${kind}`);
  }

  #merge(existing: CollectionJson, input: CollectionJson): CollectionJson {
    const fields = input.fields
      ? [
          ...existing.fields.filter((f) => f.system && !input.fields.some((g) => g.name === f.name || (g.id && g.id === f.id))),
          ...input.fields.map((f) => {
            const old = existing.fields.find((e) => (f.id && e.id === f.id) || e.name === f.name);
            return old ? { ...old, ...f, id: old.id, system: old.system, type: old.system ? old.type : f.type } : f;
          }),
        ]
      : existing.fields;
    return withDefaults({ ...existing, ...input, id: existing.id, type: existing.type, system: existing.system, fields });
  }

  #validate(c: CollectionJson, existing: CollectionJson | undefined, failure: string, creating: boolean): void {
    const errors: ErrorData = {};
    const name = String(c.name ?? '');
    if (!name) errors.name = fieldError('validation_required', 'Cannot be blank.');
    else if (name.length > 255) errors.name = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.', { min: 1, max: 255 });
    else if (!/^\w+$/.test(name)) errors.name = fieldError('validation_match_invalid', 'Must be in a valid format.');
    if (!errors.name) {
      const clash = this.#byName.get(name.toLowerCase());
      if (clash && (creating || clash.id !== c.id)) errors.name = fieldError('validation_collection_name_exists', 'Collection name must be unique (case insensitive).');
      else if ([...this.#byId.keys()].some((id) => id === name && id !== c.id)) errors.name = fieldError('validation_collection_name_id_duplicate', 'The name must not match an existing collection id.');
      else if (!clash && existing?.name !== name && this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE").get(name)) {
        errors.name = fieldError('validation_collection_name_invalid', "The name shouldn't match with an existing internal table.");
      }
    }
    if (!['base', 'auth'].includes(c.type)) errors.type = fieldError('validation_in_invalid', 'Must be a valid value.');
    if (existing && existing.type !== c.type) errors.type = fieldError('validation_collection_type_change', 'The collection type cannot be changed.');
    // An import may reference collections later in its list: relation targets are checked outside imports only.
    const importing = failure === 'Failed to import collections.';
    const targetExists = (id: string) => importing || id === c.id || !!this.#byId.get(id);
    const nameErrors = fieldNameErrors(c.fields, c.type === 'auth') ?? {};
    const optionErrors = fieldOptionErrors(c.fields, targetExists) ?? {};
    const fieldErrors: Record<string, Record<string, unknown>> = { ...optionErrors };
    for (const [index, error] of Object.entries(nameErrors)) fieldErrors[index] = { ...fieldErrors[index], ...error };
    if (Object.keys(fieldErrors).length) errors.fields = fieldErrors;
    for (const key of ruleKeys) {
      const rule = c[key];
      if (rule === null || rule === undefined || rule === '') continue;
      try {
        const resolver = new RecordFieldResolver({ collection: c, request: { auth: null }, allowHidden: true, lookupCollection: (x: string) => (x === c.id || x === c.name ? c : this.get(x)) });
        compileFilter(parseFilter(String(rule)), resolver);
        resolver.finish();
      } catch (error) {
        errors[key] = fieldError('validation_invalid_rule', `Invalid rule. Raw error: ${(error as Error).message}`);
      }
    }
    for (const sql of (c.indexes as string[] | undefined) ?? []) {
      const match = indexPattern.exec(sql);
      if (!match || match[3]!.toLowerCase() !== String(c.name).toLowerCase()) errors.indexes = fieldError('validation_invalid_index_expression', 'Invalid index expression.');
    }
    if (Object.keys(errors).length > 0) {
      throw new ApiError(400, failure, failure === 'Failed to import collections.' ? { collections: fieldError('validation_collections_import_failure', 'Failed to import the collections configuration.') } : errors);
    }
  }

  #write(c: CollectionJson, existing: CollectionJson | undefined): void {
    if (!existing) {
      this.#db.exec(`CREATE TABLE ${quote(c.name)} (${c.fields.map(columnDefinition).join(', ')})`);
    } else {
      if (existing.name !== c.name) this.#db.exec(`ALTER TABLE ${quote(existing.name)} RENAME TO ${quote(c.name)}`);
      const columns = new Set((this.#db.prepare(`PRAGMA table_info(${quote(c.name)})`).all() as { name: string }[]).map((r) => r.name));
      for (const f of c.fields) if (!columns.has(f.name)) this.#db.exec(`ALTER TABLE ${quote(c.name)} ADD COLUMN ${columnDefinition(f)}`);
    }
    for (const sql of (c.indexes as string[] | undefined) ?? []) {
      const name = indexPattern.exec(sql)![2]!;
      if (!this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(name)) this.#db.exec(sql);
    }
    this.#db.prepare('INSERT INTO _collections (id, name, json) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, json = excluded.json').run(c.id, c.name, JSON.stringify(c));
    if (existing) this.#byName.delete(existing.name.toLowerCase());
    this.#remember(c);
  }

  #remember(c: CollectionJson): void {
    this.#byId.set(c.id, c);
    this.#byName.set(c.name.toLowerCase(), c);
  }
}
