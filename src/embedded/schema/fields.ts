/**
 * @module embedded/schema/fields
 * Per field type: the SQLite column, the stored form of a submitted value, the
 * JSON form of a stored value, and the validator with PocketBase's codes and
 * messages (core/field_*.go).
 */
import { fieldError, type FieldError } from '../api-error.js';
import type { FieldJson } from '../filter/index.js';
import { formatDate, parseDate } from '../ids.js';

export type Field = FieldJson;

export const isMultiple = (field: Field): boolean =>
  ['select', 'relation', 'file'].includes(field.type) && Number(field.maxSelect ?? 1) > 1;

export function columnDefinition(field: Field): string {
  const name = `"${field.name}"`;
  if (field.name === 'id') return `${name} TEXT PRIMARY KEY NOT NULL`;
  if (isMultiple(field)) return `${name} TEXT DEFAULT '[]' NOT NULL`;
  switch (field.type) {
    case 'number': return `${name} NUMERIC DEFAULT 0 NOT NULL`;
    case 'bool': return `${name} BOOLEAN DEFAULT FALSE NOT NULL`;
    case 'json': return `${name} JSON DEFAULT NULL`;
    default: return `${name} TEXT DEFAULT '' NOT NULL`;
  }
}

const stringOf = (value: unknown): string =>
  value === undefined || value === null ? '' : Array.isArray(value) ? stringOf(value[0]) : typeof value === 'object' ? JSON.stringify(value) : String(value);

/** The stored (SQLite) form of a submitted value. */
export function toStorage(field: Field, value: unknown): string | number | null {
  if (isMultiple(field)) {
    const list = (Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value]).map(String).filter(Boolean);
    return JSON.stringify([...new Set(list)]);
  }
  switch (field.type) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(stringOf(value) || 0);
      return Number.isFinite(n) ? n : 0;
    }
    case 'bool': return value === true || value === 'true' || value === 1 || value === '1' ? 1 : 0;
    case 'json': return value === undefined || value === null ? null : JSON.stringify(value);
    case 'date':
    case 'autodate': {
      const text = stringOf(value);
      const date = text ? parseDate(text) : undefined;
      return date ? formatDate(date) : text;
    }
    default: return stringOf(value);
  }
}

/** The JSON form of a stored value. */
export function fromStorage(field: Field, raw: unknown): unknown {
  if (isMultiple(field)) {
    try {
      const parsed = JSON.parse(String(raw ?? '[]'));
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  switch (field.type) {
    case 'number': return Number(raw ?? 0);
    case 'bool': return raw === 1 || raw === '1' || raw === true;
    case 'json':
      if (raw === null || raw === undefined) return null;
      try {
        return JSON.parse(String(raw));
      } catch {
        return null;
      }
    default: return raw ?? '';
  }
}

const emailPattern = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

export const isEmail = (value: string): boolean => value.length <= 254 && emailPattern.test(value);

const blank = (stored: string | number | null, field: Field): boolean =>
  stored === null || stored === '' || (isMultiple(field) && stored === '[]') || (field.type === 'number' && stored === 0) || (field.type === 'bool' && stored === 0);

/** Validates a stored value; undefined when valid. `exists` checks relation ids. */
export function validateField(field: Field, stored: string | number | null, exists: (collectionId: string, ids: string[]) => boolean): FieldError | undefined {
  if (field.type === 'password' || field.type === 'autodate') return undefined;
  if (field.required && blank(stored, field)) return fieldError('validation_required', 'Cannot be blank.');
  if (blank(stored, field)) return undefined;
  const text = String(stored);
  switch (field.type) {
    case 'text':
    case 'editor': {
      const min = Number(field.min ?? 0);
      const max = Number(field.max ?? 0) || (field.type === 'text' ? 5000 : 0);
      const length = [...text].length;
      if (min && length < min) return fieldError('validation_min_text_constraint', `Must be at least ${min} character(s).`, { min });
      if (max && length > max) return fieldError('validation_max_text_constraint', `Must be no more than ${max} character(s).`, { max });
      if (field.pattern && !new RegExp(String(field.pattern)).test(text)) return fieldError('validation_invalid_format', 'Invalid value format.');
      return undefined;
    }
    case 'email':
      return isEmail(text) ? undefined : fieldError('validation_is_email', 'Must be a valid email address.');
    case 'url':
      return /^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(text) ? undefined : fieldError('validation_is_url', 'Must be a valid url.');
    case 'number': {
      const n = Number(stored);
      if (field.onlyInt && !Number.isInteger(n)) return fieldError('validation_only_int_constraint', 'Decimal numbers are not allowed.');
      if (field.min !== undefined && field.min !== null && n < Number(field.min)) return fieldError('validation_min_number_constraint', `Must be larger than ${field.min}.`, { min: field.min });
      if (field.max !== undefined && field.max !== null && n > Number(field.max)) return fieldError('validation_max_number_constraint', `Must be less than ${field.max}.`, { max: field.max });
      return undefined;
    }
    case 'date':
      return parseDate(text) ? undefined : fieldError('validation_invalid_date', 'Must be a valid date.');
    case 'select':
    case 'relation': {
      const values: string[] = isMultiple(field) ? (JSON.parse(text) as string[]) : [text];
      const maxSelect = Number(field.maxSelect ?? 1) || 1;
      if (values.length > maxSelect) return fieldError('validation_too_many_values', `Select no more than ${maxSelect}.`, { maxSelect });
      if (field.type === 'select') {
        const allowed = (field.values as string[] | undefined) ?? [];
        const invalid = values.find((v) => !allowed.includes(v));
        return invalid === undefined ? undefined : fieldError('validation_invalid_value', `Invalid value ${invalid}.`, { value: invalid });
      }
      return exists(String(field.collectionId ?? ''), values) ? undefined : fieldError('validation_missing_rel_records', 'Failed to find all relation records with the provided ids.');
    }
    case 'json': {
      const maxSize = Number(field.maxSize ?? 0) || 1024 * 1024;
      return text.length > maxSize ? fieldError('validation_json_size_limit', `The maximum allowed JSON size is ${maxSize} bytes.`, { maxSize }) : undefined;
    }
    default:
      return undefined;
  }
}
