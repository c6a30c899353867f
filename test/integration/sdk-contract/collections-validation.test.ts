/**
 * The collections API's validation, against both backends: a taken name is
 * refused on create (never merged), names may not shadow collection ids or
 * internal tables, reserved and duplicate field names, deleting a referenced
 * collection, and list filter/sort.
 */
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestBackend, type TestBackend } from '../helpers/backend.js';

let backend: TestBackend;
let admin: PocketBase;
const s = Date.now().toString(36);
const created: string[] = [];

beforeAll(async () => {
  backend = await startTestBackend();
  admin = await backend.admin();
});

afterAll(async () => {
  for (const name of created.reverse()) await admin.collections.delete(name).catch(() => undefined);
  await backend.close();
});

async function create(body: Record<string, unknown>) {
  const collection = await admin.collections.create(body);
  created.push(collection.name);
  return collection;
}

const codes = (data: Record<string, unknown>): unknown =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v && typeof v === 'object' && 'code' in v ? (v as { code: string }).code : codes(v as Record<string, unknown>)]));

describe('collection names', () => {
  it('creating a collection with a taken name (any case) is refused and leaves the existing one untouched', async () => {
    const name = `cv_taken_${s}`;
    await create({ name, type: 'base', fields: [{ name: 'title', type: 'text' }] });
    for (const attempt of [name, name.toUpperCase()]) {
      const error = await failure(admin.collections.create({ name: attempt, type: 'base', fields: [{ name: 'other', type: 'text' }] }));
      expect(error.status).toBe(400);
      expect(error.message).toBe('Failed to create collection.');
      expect(codes(error.response.data)).toEqual({ name: 'validation_collection_name_exists' });
    }
    const kept = await admin.collections.getOne(name);
    expect(kept.fields.map((f) => f.name)).toEqual(['id', 'title']);
  });

  it('a name may not be an existing collection id or an internal table', async () => {
    expect(codes((await failure(admin.collections.create({ name: '_pb_users_auth_', type: 'base' }))).response.data)).toEqual({ name: 'validation_collection_name_id_duplicate' });
    expect(codes((await failure(admin.collections.create({ name: '_collections', type: 'base' }))).response.data)).toEqual({ name: 'validation_collection_name_invalid' });
  });
});

describe('field names', () => {
  it('reserved names, filter literals and "_via_" are refused, each at its index', async () => {
    const error = await failure(admin.collections.create({
      name: `cv_reserved_${s}`, type: 'base',
      fields: [{ name: 'expand', type: 'text' }, { name: 'collectionId', type: 'text' }, { name: 'a_via_b', type: 'text' }, { name: 'null', type: 'text' }, { name: 'fine', type: 'text' }],
    }));
    expect(codes(error.response.data)).toEqual({
      fields: { 1: { name: 'validation_not_in_invalid' }, 2: { name: 'validation_not_in_invalid' }, 3: { name: 'validation_found_via' }, 4: { name: 'validation_not_in_invalid' } },
    });
  });

  it('an auth collection may not name a field passwordConfirm or oldPassword', async () => {
    const error = await failure(admin.collections.create({ name: `cv_auth_${s}`, type: 'auth', fields: [{ name: 'passwordConfirm', type: 'text' }] }));
    const fields = error.response.data.fields as Record<string, { name: { code: string } }>;
    expect(Object.values(fields).map((f) => f.name.code)).toEqual(['validation_reserved_field_name']);
  });

  it('field names are unique regardless of case', async () => {
    const error = await failure(admin.collections.create({ name: `cv_dup_${s}`, type: 'base', fields: [{ name: 'a', type: 'text' }, { name: 'A', type: 'text' }] }));
    expect(error.response.data).toEqual({ fields: { 2: { name: { code: 'validation_duplicated_field_name', message: 'Duplicated or invalid field name A.', params: { fieldName: 'A' } } } } });
  });
});

describe('field options', () => {
  it('a select allowing more values than it has, a relation to nowhere, and max below min are refused per field', async () => {
    const error = await failure(admin.collections.create({
      name: `cv_options_${s}`, type: 'base',
      fields: [
        { name: 's', type: 'select', maxSelect: 5, values: ['a', 'b'] },
        { name: 'r', type: 'relation', collectionId: `nope${s}` },
        { name: 'n', type: 'number', min: 5, max: 1 },
        { name: 't', type: 'text', min: 10, max: 2 },
        { name: 'ok', type: 'select', maxSelect: 2, values: ['a', 'b'] },
      ],
    }));
    expect(error.response.data).toEqual({
      fields: {
        1: { maxSelect: { code: 'validation_max_less_equal_than_required', message: 'Must be no greater than 2.', params: { threshold: 2 } } },
        2: { collectionId: { code: 'validation_field_relation_missing_collection', message: "The relation collection doesn't exist." } },
        3: { max: { code: 'validation_min_number_constraint', message: 'Must be greater or equal than 5.', params: { min: 5 } } },
        4: { max: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 10.', params: { threshold: 10 } } },
      },
    });
  });
});

describe('delete and list', () => {
  it('a collection another one references cannot be deleted until the reference is gone', async () => {
    const target = await create({ name: `cv_target_${s}`, type: 'base', fields: [{ name: 't', type: 'text' }] });
    const referrer = await create({ name: `cv_referrer_${s}`, type: 'base', fields: [{ name: 'r', type: 'relation', collectionId: target.id, maxSelect: 1 }] });
    const error = await failure(admin.collections.delete(target.name));
    expect(error.status).toBe(400);
    expect(error.message).toBe(`Failed to delete collection probably due to existing reference in ${referrer.name}.`);
    await admin.collections.delete(referrer.name);
    await admin.collections.delete(target.name);
    expect((await failure(admin.collections.getOne(target.name))).status).toBe(404);
  });

  it('lists collections with filter and sort; an unknown field is a 400', async () => {
    await create({ name: `cv_list_a_${s}`, type: 'base' });
    await create({ name: `cv_list_b_${s}`, type: 'auth' });
    const list = await admin.collections.getList(1, 10, { filter: `name ~ 'cv_list_' && name ~ '${s}'`, sort: '-name' });
    expect(list.items.map((c) => c.name)).toEqual([`cv_list_b_${s}`, `cv_list_a_${s}`]);
    expect(list.totalItems).toBe(2);
    const auth = await admin.collections.getFullList({ filter: `type = 'auth' && name ~ '${s}'` });
    expect(auth.map((c) => c.name)).toEqual([`cv_list_b_${s}`]);
    expect((await failure(admin.collections.getList(1, 1, { filter: 'listRule = null' }))).status).toBe(400);
    expect((await failure(admin.collections.getList(1, 1, { sort: 'nope' }))).status).toBe(400);
  });
});
