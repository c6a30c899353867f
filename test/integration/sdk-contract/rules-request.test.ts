/**
 * API rules that read the request, against both backends: `@request.body.*`
 * after `+`/`-` modifiers are applied, `@request.body.<relation>.<field>`,
 * `@request.query.*`, `@request.auth.<relation>.<field>`, and
 * `@collection.<name>.*` joins.
 */
import type PocketBase from 'pocketbase';
import type { CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, failure, startTestBackend, uniqueEmail, type TestBackend } from '../helpers/backend.js';

let backend: TestBackend;
let admin: PocketBase;
const s = Date.now().toString(36);
const names = { profiles: `rq_profiles_${s}`, holders: `rq_holders_${s}`, gatekeeper: `rq_gate_${s}`, teams: `rq_teams_${s}`, members: `rq_members_${s}`, counters: `rq_counters_${s}`, gated: `rq_gated_${s}`, flags: `rq_flags_${s}`, tasks: `rq_tasks_${s}` };
const ids = { profiles: `rqp${s}`, holders: `rqh${s}`, gatekeeper: `rqa${s}`, teams: `rqt${s}`, members: `rqm${s}`, counters: `rqc${s}`, gated: `rqg${s}`, flags: `rqf${s}`, tasks: `rqk${s}` };
const password = 'password-123';
const schema = (collections: object[]) => collections as CollectionModel[];
const team: Record<string, string> = {};

beforeAll(async () => {
  backend = await startTestBackend();
  admin = await backend.admin();
  await admin.collections.import(schema([
    { id: ids.profiles, name: names.profiles, type: 'base', listRule: "@request.context = 'expand'", viewRule: "@request.context = 'expand'", fields: [{ name: 'bio', type: 'text' }] },
    { id: ids.holders, name: names.holders, type: 'base', listRule: '', viewRule: '', fields: [{ name: 'profile', type: 'relation', collectionId: ids.profiles, maxSelect: 1 }] },
    { id: ids.gatekeeper, name: names.gatekeeper, type: 'auth', authRule: "@request.context = 'password'", fields: [] },
    { id: ids.teams, name: names.teams, type: 'base', listRule: '', viewRule: '', fields: [{ name: 'name', type: 'text' }, { name: 'open', type: 'bool' }] },
    {
      id: ids.members, name: names.members, type: 'auth', listRule: 'id = @request.auth.id', viewRule: 'id = @request.auth.id', createRule: '',
      fields: [{ name: 'team', type: 'relation', collectionId: ids.teams, maxSelect: 1 }],
    },
    {
      id: ids.counters, name: names.counters, type: 'base', listRule: '', viewRule: '', createRule: '@request.body.count <= 10',
      updateRule: '(@request.body.count:isset = false || @request.body.count <= 10) && @request.body.tags:length <= 2', deleteRule: null,
      fields: [{ name: 'count', type: 'number' }, { name: 'tags', type: 'select', maxSelect: 5, values: ['a', 'b', 'c', 'd', 'e'] }],
    },
    { id: ids.flags, name: names.flags, type: 'base', fields: [{ name: 'name', type: 'text' }] },
    {
      id: ids.gated, name: names.gated, type: 'base',
      listRule: `@collection.${names.flags}.name ?= 'open' || @request.query.key:isset = true`, viewRule: '',
      createRule: '@request.auth.team.open = true', fields: [{ name: 'title', type: 'text' }],
    },
    {
      id: ids.tasks, name: names.tasks, type: 'base', listRule: '', viewRule: '', createRule: "@request.body.team.name = 'red'",
      updateRule: '@request.body.title:changed = false',
      fields: [{ name: 'title', type: 'text' }, { name: 'team', type: 'relation', collectionId: ids.teams, maxSelect: 1 }],
    },
  ]));
  team.red = (await admin.collection(names.teams).create({ name: 'red', open: true })).id;
  team.blue = (await admin.collection(names.teams).create({ name: 'blue', open: false })).id;
});

afterAll(async () => {
  for (const name of [names.holders, names.profiles, names.gatekeeper, names.tasks, names.gated, names.flags, names.counters, names.members, names.teams]) await admin.collections.delete(name).catch(() => undefined);
  await backend.close();
});

async function member(teamId: string): Promise<PocketBase> {
  const email = uniqueEmail('member');
  await admin.collection(names.members).create({ email, password, passwordConfirm: password, team: teamId });
  const pb = client(backend.url);
  await pb.collection(names.members).authWithPassword(email, password);
  return pb;
}

describe('@request.body', () => {
  it('a create rule reads the submitted values', async () => {
    const guest = client(backend.url);
    expect((await guest.collection(names.counters).create({ count: 10 })).count).toBe(10);
    expect((await failure(guest.collection(names.counters).create({ count: 11 }))).status).toBe(400);
  });

  it('an update rule sees the value after + and - modifiers, not the raw delta', async () => {
    const guest = client(backend.url);
    const counter = await guest.collection(names.counters).create({ count: 4, tags: ['a'] });
    expect((await guest.collection(names.counters).update(counter.id, { 'count+': 5 })).count).toBe(9);
    expect((await failure(guest.collection(names.counters).update(counter.id, { 'count+': 2 }))).status).toBe(404);
    expect((await guest.collection(names.counters).update(counter.id, { 'count-': 3 })).count).toBe(6);
    expect((await guest.collection(names.counters).update(counter.id, { 'tags+': 'b' })).tags).toEqual(['a', 'b']);
    expect((await failure(guest.collection(names.counters).update(counter.id, { 'tags+': 'c' }))).status).toBe(404);
    expect((await guest.collection(names.counters).getOne(counter.id))).toMatchObject({ count: 6, tags: ['a', 'b'] });
  });

  it('a relation in the body is followed to the related record; :changed compares with the stored value', async () => {
    const guest = client(backend.url);
    const task = await guest.collection(names.tasks).create({ title: 'one', team: team.red });
    expect((await failure(guest.collection(names.tasks).create({ title: 'two', team: team.blue }))).status).toBe(400);
    expect((await guest.collection(names.tasks).update(task.id, { title: 'one', team: team.blue })).team).toBe(team.blue);
    expect((await failure(guest.collection(names.tasks).update(task.id, { title: 'renamed' }))).status).toBe(404);
  });
});

describe('@request.context', () => {
  it('is "expand" while expanding: a record only shown through a relation', async () => {
    const guest = client(backend.url);
    const profile = await admin.collection(names.profiles).create({ bio: 'hidden unless expanded' });
    const holder = await admin.collection(names.holders).create({ profile: profile.id });
    expect((await failure(guest.collection(names.profiles).getOne(profile.id))).status).toBe(404);
    expect((await guest.collection(names.holders).getOne(holder.id, { expand: 'profile' })).expand?.profile?.bio).toBe('hidden unless expanded');
  });

  it('is "password" in a password sign-in, "default" in an auth-refresh', async () => {
    const email = uniqueEmail('gate');
    await admin.collection(names.gatekeeper).create({ email, password, passwordConfirm: password });
    const pb = client(backend.url);
    await pb.collection(names.gatekeeper).authWithPassword(email, password);
    expect((await failure(pb.collection(names.gatekeeper).authRefresh())).status).toBe(403);
  });
});

describe('@request.query, @collection and @request.auth.<relation>', () => {
  it('@request.query.<key>:isset and an @collection join decide a list rule', async () => {
    const guest = client(backend.url);
    await admin.collection(names.gated).create({ title: 'g1' });
    expect((await guest.collection(names.gated).getList(1, 10)).items).toEqual([]);
    expect((await guest.collection(names.gated).getList(1, 10, { key: 'anything' })).items.map((i) => i.title)).toEqual(['g1']);
    const flag = await admin.collection(names.flags).create({ name: 'open' });
    expect((await guest.collection(names.gated).getList(1, 10)).items.map((i) => i.title)).toEqual(['g1']);
    await admin.collection(names.flags).delete(flag.id);
    expect((await guest.collection(names.gated).getList(1, 10)).items).toEqual([]);
  });

  it('@request.auth.<relation>.<field> follows the signed-in record\'s relation', async () => {
    const red = await member(team.red!);
    const blue = await member(team.blue!);
    expect((await red.collection(names.gated).create({ title: 'by red' })).title).toBe('by red');
    expect((await failure(blue.collection(names.gated).create({ title: 'by blue' }))).status).toBe(400);
    expect((await failure(client(backend.url).collection(names.gated).create({ title: 'by guest' }))).status).toBe(400);
  });

  it('a non-superuser may not filter by @collection or @request (403)', async () => {
    const guest = client(backend.url);
    const error = await failure(guest.collection(names.counters).getList(1, 1, { filter: `@collection.${names.flags}.name = 'x'` }));
    expect(error.status).toBe(403);
    expect(error.message).toBe('Only superusers can filter by @collection.');
  });
});
