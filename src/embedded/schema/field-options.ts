/**
 * @module embedded/schema/field-options
 * The option checks of PocketBase's fields that a collection save runs
 * (core/field_*.go ValidateSettings), each under `fields.<index>.<option>`:
 * a select allowing more values than it has, a relation to a missing
 * collection, a number or text field whose max is below its min.
 */
import { fieldError, type FieldError } from '../api-error.js';
import type { FieldJson } from '../filter/index.js';

const set = (value: unknown) => value !== undefined && value !== null && value !== '';

function optionErrors(field: FieldJson, collectionExists: (id: string) => boolean): Record<string, FieldError> {
  const errors: Record<string, FieldError> = {};
  if (field.type === 'select') {
    const values = Array.isArray(field.values) ? field.values.length : 0;
    if (Number(field.maxSelect ?? 0) > values) errors.maxSelect = fieldError('validation_max_less_equal_than_required', `Must be no greater than ${values}.`, { threshold: values });
  }
  if (field.type === 'relation' && !collectionExists(String(field.collectionId ?? ''))) {
    errors.collectionId = fieldError('validation_field_relation_missing_collection', "The relation collection doesn't exist.");
  }
  if (field.type === 'number' && set(field.min) && set(field.max) && Number(field.max) < Number(field.min)) {
    errors.max = fieldError('validation_min_number_constraint', `Must be greater or equal than ${field.min}.`, { min: field.min });
  }
  if (field.type === 'text' && Number(field.max ?? 0) > 0 && Number(field.max) < Number(field.min ?? 0)) {
    errors.max = fieldError('validation_min_greater_equal_than_required', `Must be no less than ${field.min}.`, { threshold: field.min });
  }
  return errors;
}

/** Per field index, the options that fail; undefined when all are fine. */
export function fieldOptionErrors(fields: FieldJson[], collectionExists: (id: string) => boolean): Record<string, Record<string, FieldError>> | undefined {
  const out: Record<string, Record<string, FieldError>> = {};
  fields.forEach((field, index) => {
    const errors = optionErrors(field, collectionExists);
    if (Object.keys(errors).length) out[index] = errors;
  });
  return Object.keys(out).length ? out : undefined;
}
