import type PocketBase from 'pocketbase';
import type { CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestBackend, uniqueEmail, type TestBackend, failure } from '../helpers/backend.js';

let backend: TestBackend;
let admin: PocketBase;
const suffix = Date.now().toString(36);
const notes = `notes_${suffix}`;
const locked = `locked_${suffix}`;
const open = `open_${suffix}`;

beforeAll(async () => {
  backend = await startTestBackend();
  admin = await backend.admin();
  await admin.collections.import(schema([
    {
      name: notes,
      type: 'base',
      listRule: 'owner = @request.auth.id',
      viewRule: 'owner = @request.auth.id',
      createRule: "@request.auth.id != '' && @request.body.owner = @request.auth.id",
      updateRule: 'owner = @request.auth.id',
      deleteRule: 'owner = @request.auth.id',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'rank', type: 'number' },
        { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1, required: true },
      ],
    },
    { name: locked, type: 'base', fields: [{ name: 'title', type: 'text' }] },
    { name: open, type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '', fields: [{ name: 'title', type: 'text' }, { name: 'rank', type: 'number' }] },
  ]));
});
afterAll(async () => {
  for (const name of [notes, locked, open]) await admin.collections.delete(name).catch(() => undefined);
  await backend.close();
});

async function signedIn(): Promise<{ pb: PocketBase; id: string }> {
  const email = uniqueEmail();
  const pb = client(backend.url);
  await pb.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
  const auth = await pb.collection('users').authWithPassword(email, 'password-123');
  return { pb, id: auth.record.id };
}

/** Collection JSON as a client writes it (the SDK's type wants every server-filled key). */
const schema = (collections: object[]) => collections as CollectionModel[];

describe('API rules', () => {
  it('a null rule is for superusers only: 403 for everyone else', async () => {
    const { pb } = await signedIn();
    for (const attempt of [() => pb.collection(locked).getList(), () => pb.collection(locked).create({ title: 'x' }), () => client(backend.url).collection(locked).getList()]) {
      const error = await failure(attempt());
      expect(error.status).toBe(403);
      expect(error.message).toBe('Only superusers can perform this action.');
    }
    expect((await admin.collection(locked).create({ title: 'by superuser' })).title).toBe('by superuser');
  });

  it('an empty rule lets everyone in, guests included', async () => {
    const record = await client(backend.url).collection(open).create({ title: 'public' });
    expect((await client(backend.url).collection(open).getOne(record.id)).title).toBe('public');
    await client(backend.url).collection(open).delete(record.id);
  });

  it('"id = @request.auth.id" on users: self 200, others 404, list shows only self', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    expect((await alice.pb.collection('users').getOne(alice.id)).id).toBe(alice.id);
    expect((await failure(alice.pb.collection('users').getOne(bob.id))).status).toBe(404);
    const list = await alice.pb.collection('users').getFullList();
    expect(list.map((u) => u.id)).toEqual([alice.id]);
  });

  it('an owner relation rule: the owner sees and changes their notes, anyone else gets 404, creating for someone else is a 400', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const note = await alice.pb.collection(notes).create({ title: 'mine', owner: alice.id });
    expect((await alice.pb.collection(notes).getOne(note.id)).title).toBe('mine');
    expect((await failure(bob.pb.collection(notes).getOne(note.id))).status).toBe(404);
    expect((await failure(bob.pb.collection(notes).update(note.id, { title: 'stolen' }))).status).toBe(404);
    expect((await failure(bob.pb.collection(notes).delete(note.id))).status).toBe(404);
    expect(await bob.pb.collection(notes).getFullList()).toEqual([]);
    const forged = await failure(bob.pb.collection(notes).create({ title: 'for alice', owner: alice.id }));
    expect(forged.status).toBe(400);
    expect(forged.message).toBe('Failed to create record.');
    expect(forged.response.data).toEqual({});
    expect((await failure(client(backend.url).collection(notes).create({ title: 'guest', owner: alice.id }))).status).toBe(400);
    await alice.pb.collection(notes).update(note.id, { title: 'renamed' });
    await alice.pb.collection(notes).delete(note.id);
    expect((await failure(alice.pb.collection(notes).getOne(note.id))).status).toBe(404);
  });

  it('superusers bypass every rule and see every email', async () => {
    const alice = await signedIn();
    await alice.pb.collection(notes).create({ title: 'private', owner: alice.id });
    expect((await admin.collection(notes).getFullList({ filter: `owner = "${alice.id}"` })).length).toBe(1);
    expect((await admin.collection('users').getOne(alice.id)).email).toMatch(/@pbpages\.test$/);
  });
});

describe('lists', () => {
  beforeAll(async () => {
    for (let rank = 1; rank <= 7; rank++) await admin.collection(open).create({ title: `item ${rank}`, rank });
  });

  it('pages, sorts and filters', async () => {
    const pb = client(backend.url);
    const page = await pb.collection(open).getList(2, 3, { sort: '-rank', filter: 'rank >= 1' });
    expect(page).toMatchObject({ page: 2, perPage: 3, totalItems: 7, totalPages: 3 });
    expect(page.items.map((i) => i.rank)).toEqual([4, 3, 2]);
    expect((await pb.collection(open).getList(1, 10, { filter: 'title ~ "item 7" || rank < 2', sort: 'rank' })).items.map((i) => i.rank)).toEqual([1, 7]);
    expect((await pb.collection(open).getFullList({ sort: 'rank' })).length).toBe(7);
  });

  it('skipTotal gives -1 totals; getFirstListItem with no match is a 404', async () => {
    const pb = client(backend.url);
    const page = await pb.collection(open).getList(1, 2, { skipTotal: true });
    expect(page.totalItems).toBe(-1);
    expect(page.totalPages).toBe(-1);
    expect((await pb.collection(open).getFirstListItem('rank = 3')).title).toBe('item 3');
    expect((await failure(pb.collection(open).getFirstListItem('rank = 99'))).status).toBe(404);
  });

  it('refuses @request in a client filter (403) and a bad filter or sort (400)', async () => {
    const pb = client(backend.url);
    const forbidden = await failure(pb.collection(open).getList(1, 1, { filter: "@request.auth.id != ''" }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).toBe('Only superusers can filter by @request.');
    for (const options of [{ filter: '(rank = 1' }, { filter: 'nope = 1' }, { sort: 'nope' }, { filter: 'rank = 1; DROP TABLE x' }]) {
      const error = await failure(pb.collection(open).getList(1, 1, options));
      expect(error.status).toBe(400);
    }
  });

  it('answers a page number beyond 64 bits with a 400 and a huge one with an empty page, never a 500', async () => {
    const overflow = await fetch(`${backend.url}/api/collections/${open}/records?page=99999999999999999999`);
    expect(overflow.status).toBe(400);
    expect(await overflow.json()).toEqual({ status: 400, message: 'Something went wrong while processing your request.', data: {} });
    const huge = await client(backend.url).collection(open).getList(100_000_000_000, 10);
    expect(huge.items).toEqual([]);
    expect(huge.page).toBe(100_000_000_000);
  });

  it('binds filter values instead of pasting them into SQL', async () => {
    const pb = client(backend.url);
    const result = await pb.collection(open).getList(1, 50, { filter: pb.filter('title = {:t}', { t: "x' OR 1=1 --" }) });
    expect(result.totalItems).toBe(0);
  });
});

describe('expand', () => {
  it('includes related records the requester may view, and leaves out the rest', async () => {
    const alice = await signedIn();
    const note = await alice.pb.collection(notes).create({ title: 'with owner', owner: alice.id });
    const own = await alice.pb.collection(notes).getOne(note.id, { expand: 'owner' });
    expect(own.expand?.owner).toMatchObject({ id: alice.id, collectionName: 'users' });
    const listed = await alice.pb.collection(notes).getList(1, 10, { expand: 'owner' });
    expect(listed.items[0]!.expand?.owner.id).toBe(alice.id);
    const viaOpen = await client(backend.url).collection(open).getList(1, 1, { expand: 'nope' });
    expect(viaOpen.items[0]!.expand).toBeUndefined();
    // A superuser passes every viewRule.
    expect((await admin.collection(notes).getOne(note.id, { expand: 'owner' })).expand?.owner.id).toBe(alice.id);
    // Bob may list open items but not view Alice's user record: the expand is left out, the list still works.
    const bob = await signedIn();
    const pointers = `pointers_${suffix}`;
    await admin.collections.create({ name: pointers, type: 'base', listRule: '', fields: [{ name: 'who', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 }] } as never);
    await admin.collection(pointers).create({ who: alice.id });
    const seenByBob = await bob.pb.collection(pointers).getFullList({ expand: 'who' });
    expect(seenByBob).toHaveLength(1);
    expect(seenByBob[0]!.expand).toEqual({}); // the real server keeps an empty expand for a set but hidden relation
    const seenByAlice = await alice.pb.collection(pointers).getFullList({ expand: 'who' });
    expect(seenByAlice[0]!.expand?.who.id).toBe(alice.id);
    await admin.collections.delete(pointers);
  });
});

describe('collections API', () => {
  it('imports collections (204) and serves their schema; only superusers may', async () => {
    const name = `imported_${suffix}`;
    await admin.collections.import(schema([{ name, type: 'base', fields: [{ name: 'label', type: 'text', max: 20 }] }]));
    const collection = await admin.collections.getOne(name);
    expect(collection.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'label']);
    expect(collection).not.toHaveProperty('secret');
    const { pb } = await signedIn();
    expect((await failure(pb.collections.getList())).status).toBe(403);
    expect((await failure(client(backend.url).collections.getList())).status).toBe(401);
    const empty = await failure(admin.collections.import([]));
    expect(empty.response.data.collections.code).toBe('validation_required');
    await admin.collections.delete(name);
    expect((await failure(admin.collections.getOne(name))).status).toBe(404);
  });

  it('ends existing sessions of an auth collection when its authRule changes', async () => {
    const name = `members_${suffix}`;
    await admin.collections.create({ name, type: 'auth', createRule: '', fields: [] } as never);
    const pb = client(backend.url);
    const email = uniqueEmail('member');
    await pb.collection(name).create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    await pb.collection(name).authWithPassword(email, 'password-123');
    await pb.collection(name).authRefresh();
    await admin.collections.update(name, { authRule: 'verified = false' });
    expect((await failure(pb.collection(name).authRefresh())).status).toBe(401);
    await pb.collection(name).authWithPassword(email, 'password-123');
    await admin.collections.delete(name);
  });

  it('adds a field to users through an update, and deletes records with 204', async () => {
    const users = await admin.collections.getOne('users');
    if (!users.fields.some((f: { name: string }) => f.name === `nick_${suffix}`)) {
      await admin.collections.update('users', { fields: [...users.fields, { name: `nick_${suffix}`, type: 'text' }] });
    }
    const { pb, id } = await signedIn();
    expect((await pb.collection('users').update(id, { [`nick_${suffix}`]: 'al' }))[`nick_${suffix}`]).toBe('al');
    const response = await fetch(`${backend.url}/api/collections/users/records/${id}`, { method: 'DELETE', headers: { Authorization: pb.authStore.token } });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });
});
