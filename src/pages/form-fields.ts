/**
 * @module pages/form-fields
 * `formData` both ways: pbpages pages read it as an object (`formData.email`),
 * PocketPages pages call it (`formData().email`). One callable object serves
 * both; it has no prototype, so a field named `name` or `length` is the field,
 * and `JSON.stringify(formData)` gives the fields.
 */

export type FormFields = Record<string, string | string[]>;
export type CallableFormFields = FormFields & (() => FormFields);

const noFields: CallableFormFields = build(Object.freeze({}) as FormFields);

/** The callable form of `fields`; one shared, frozen instance when there are none (every GET). */
export function callableFields(fields: FormFields): CallableFormFields {
  for (const _ in fields) return build(fields);
  return noFields;
}

function build(fields: FormFields): CallableFormFields {
  const fn = () => fields;
  Object.setPrototypeOf(fn, null);
  for (const key of Reflect.ownKeys(fn)) Reflect.deleteProperty(fn, key);
  for (const [key, value] of Object.entries(fields)) {
    Object.defineProperty(fn, key, { value, enumerable: true, writable: true, configurable: true });
  }
  Object.defineProperty(fn, 'toJSON', { value: () => fields, enumerable: false });
  return fn as CallableFormFields;
}
