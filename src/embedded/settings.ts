/**
 * @module embedded/settings
 * `/api/settings` for superusers, reduced to what the embedded backend acts on:
 * the app name and the batch switch (core/settings_model.go `BatchConfig`;
 * batch requests are off until a superuser turns them on, as in PocketBase).
 * Stored as one JSON value in `_params`, like PocketBase's `_params` table.
 */
import { ApiError, ValidationError, fieldError, type FieldError } from './api-error.js';
import type { Db } from './db.js';

export interface BatchSettings {
  enabled: boolean;
  maxRequests: number;
  /** Seconds a whole batch transaction may take. */
  timeout: number;
  maxBodySize: number;
}

export interface Settings {
  meta: { appName: string; appURL: string };
  batch: BatchSettings;
}

const defaults = (): Settings => ({
  meta: { appName: 'Acme', appURL: 'http://localhost:8090' },
  batch: { enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 },
});

export class SettingsStore {
  readonly #db: Db;
  #current: Settings;

  constructor(db: Db) {
    this.#db = db;
    db.exec('CREATE TABLE IF NOT EXISTS _params (id TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)');
    const row = db.prepare("SELECT value FROM _params WHERE id = 'settings'").get() as { value: string } | undefined;
    const stored = row ? (JSON.parse(row.value) as Partial<Settings>) : {};
    const base = defaults();
    this.#current = { meta: { ...base.meta, ...stored.meta }, batch: { ...base.batch, ...stored.batch } };
  }

  get(): Settings {
    return this.#current;
  }

  /** Merges a PATCH body over the current settings; unknown sections are ignored, bad values refused. */
  patch(body: Record<string, unknown>): Settings {
    const next: Settings = { meta: { ...this.#current.meta }, batch: { ...this.#current.batch } };
    const errors: Record<string, FieldError> = {};
    if (isObject(body.meta)) Object.assign(next.meta, pick(body.meta, ['appName', 'appURL'], 'string'));
    if (isObject(body.batch)) {
      Object.assign(next.batch, pick(body.batch, ['enabled'], 'boolean'), pick(body.batch, ['maxRequests', 'timeout', 'maxBodySize'], 'number'));
      if (next.batch.enabled && next.batch.maxRequests <= 0) errors.batch = fieldError('validation_min_greater_equal_than_required', 'maxRequests must be no less than 1.');
    }
    if (Object.keys(errors).length > 0) throw new ValidationError('An error occurred while submitting the form.', errors);
    this.#db.prepare("INSERT INTO _params (id, value) VALUES ('settings', ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value").run(JSON.stringify(next));
    this.#current = next;
    return next;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(source: Record<string, unknown>, keys: string[], type: 'string' | 'boolean' | 'number'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (!(key in source)) continue;
    if (typeof source[key] !== type) throw new ApiError(400, 'An error occurred while loading the submitted data.');
    out[key] = source[key];
  }
  return out;
}
