/**
 * @module embedded/schema/field-names
 * PocketBase's checks on the field names of a collection (core/field.go
 * DefaultFieldNameValidationRule, core/collection_validate.go): a duplicate
 * (case-insensitive) is reported alone; otherwise each bad name gets its own
 * error under `fields.<index>.name`.
 */
import { fieldError, type FieldError } from '../api-error.js';
import type { FieldJson } from '../filter/index.js';

/** Filter literals and names the API adds to every record. */
const excluded = ['null', 'true', 'false', '_rowid_', 'collectionId', 'collectionName', 'expand'];
/** Form-only keys of auth records. */
const reservedAuth = ['passwordConfirm', 'oldPassword'];

function nameError(name: string, auth: boolean): FieldError | undefined {
  if (!name) return fieldError('validation_required', 'Cannot be blank.');
  if ([...name].length > 100) return fieldError('validation_length_out_of_range', 'The length must be between 1 and 100.', { min: 1, max: 100 });
  if (!/^\w+$/.test(name)) return fieldError('validation_match_invalid', 'Must be in a valid format.');
  if (excluded.includes(name)) return fieldError('validation_not_in_invalid', 'Must not be in list.');
  if (name.toLowerCase().includes('_via_')) return fieldError('validation_found_via', 'The value cannot contain "_via_".');
  if (auth && reservedAuth.includes(name)) return fieldError('validation_reserved_field_name', 'The field name is reserved and cannot be used.');
  return undefined;
}

/** `{ "<index>": { name: error } }`, or undefined when every name is fine. */
export function fieldNameErrors(fields: FieldJson[], auth: boolean): Record<string, { name: FieldError }> | undefined {
  const seen = new Set<string>();
  for (const [index, field] of fields.entries()) {
    const lower = String(field.name ?? '').toLowerCase();
    if (seen.has(lower)) {
      return { [index]: { name: fieldError('validation_duplicated_field_name', `Duplicated or invalid field name ${field.name}.`, { fieldName: field.name }) } };
    }
    seen.add(lower);
  }
  const errors: Record<string, { name: FieldError }> = {};
  for (const [index, field] of fields.entries()) {
    const error = nameError(String(field.name ?? ''), auth);
    if (error) errors[index] = { name: error };
  }
  return Object.keys(errors).length ? errors : undefined;
}
