/**
 * The filter language across relations, against both backends: hidden emails
 * (issue 10, finding 1), the joined collection's own list rule, fan-out over
 * multiple relations (`?=` any vs `=` all), `:each`/`:length`, back-relations,
 * JSON paths, and bounded cost for hostile filters.
 */
import type PocketBase from 'pocketbase';
import type { CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, failure, startTestBackend, uniqueEmail, type TestBackend } from '../helpers/backend.js';

let backend: TestBackend;
let admin: PocketBase;
const s = Date.now().toString(36);
const names = { members: `fm_members_${s}`, tags: `fm_tags_${s}`, secrets: `fm_secrets_${s}`, locked: `fm_locked_${s}`, posts: `fm_posts_${s}`, comments: `fm_comments_${s}` };
const ids = { members: `fmm${s}`, tags: `fmt${s}`, secrets: `fms${s}`, locked: `fml${s}`, posts: `fmp${s}`, comments: `fmc${s}` };
const password = 'password-123';
const seeded: Record<string, string> = {};
const schema = (collections: object[]) => collections as CollectionModel[];

beforeAll(async () => {
  backend = await startTestBackend();
  admin = await backend.admin();
  await admin.collections.import(schema([
    { id: ids.members, name: names.members, type: 'auth', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'name', type: 'text' }] },
    { id: ids.tags, name: names.tags, type: 'base', listRule: '', viewRule: '', fields: [{ name: 'name', type: 'text' }] },
    { id: ids.secrets, name: names.secrets, type: 'base', listRule: 'visible = true', viewRule: 'visible = true', fields: [{ name: 'name', type: 'text' }, { name: 'visible', type: 'bool' }] },
    { id: ids.locked, name: names.locked, type: 'base', fields: [{ name: 'name', type: 'text' }] },
    {
      id: ids.posts, name: names.posts, type: 'base', listRule: '', viewRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'author', type: 'relation', collectionId: ids.members, maxSelect: 1 },
        { name: 'tags', type: 'relation', collectionId: ids.tags, maxSelect: 5 },
        { name: 'secret', type: 'relation', collectionId: ids.secrets, maxSelect: 1 },
        { name: 'locked', type: 'relation', collectionId: ids.locked, maxSelect: 1 },
        { name: 'labels', type: 'select', maxSelect: 3, values: ['red', 'green', 'blue'] },
        { name: 'meta', type: 'json' },
      ],
    },
    {
      id: ids.comments, name: names.comments, type: 'base', listRule: '', viewRule: '',
      fields: [{ name: 'text', type: 'text' }, { name: 'post', type: 'relation', collectionId: ids.posts, maxSelect: 1 }],
    },
  ]));
  const member = (label: string, emailVisibility: boolean) =>
    admin.collection(names.members).create({ email: uniqueEmail(label), emailVisibility, password, passwordConfirm: password, name: label });
  const alice = await member('alice', false);
  const bob = await member('bob', true);
  seeded.alice = alice.id;
  seeded.aliceEmail = alice.email;
  seeded.bob = bob.id;
  const tag = async (name: string) => (await admin.collection(names.tags).create({ name })).id;
  const [a, b, c] = [await tag('a'), await tag('b'), await tag('c')];
  const shown = (await admin.collection(names.secrets).create({ name: 'shown', visible: true })).id;
  const hidden = (await admin.collection(names.secrets).create({ name: 'hidden', visible: false })).id;
  const lockedId = (await admin.collection(names.locked).create({ name: 'x' })).id;
  const post = async (title: string, data: Record<string, unknown>) => {
    seeded[title] = (await admin.collection(names.posts).create({ title, ...data })).id;
  };
  await post('p1', { author: alice.id, tags: [a, b], secret: shown, labels: ['red', 'green'], meta: { n: 5, list: [1, 2], deep: { k: 'v' } }, locked: lockedId });
  await post('p2', { author: bob.id, tags: [a], secret: hidden, labels: ['red'], meta: { n: 7, list: [3] } });
  await post('p3', { author: bob.id, tags: [], labels: [], meta: 12 });
  await post('p4', { author: alice.id, tags: [b, c], secret: shown, labels: ['blue'] });
  for (const [text, title] of [['hello world', 'p1'], ['hello again', 'p1'], ['hello', 'p2'], ['bye', 'p2']] as const) {
    await admin.collection(names.comments).create({ text, post: seeded[title] });
  }
});

afterAll(async () => {
  for (const name of [names.comments, names.posts, names.tags, names.secrets, names.locked, names.members]) await admin.collections.delete(name).catch(() => undefined);
  await backend.close();
});

async function titles(pb: PocketBase, filter: string): Promise<string[]> {
  return (await pb.collection(names.posts).getFullList({ filter, sort: 'title' })).map((p) => p.title as string);
}

describe('hidden emails through relation filters (issue 10, finding 1)', () => {
  it('a guest cannot match a related auth record\'s email whose emailVisibility is false', async () => {
    const guest = client(backend.url);
    expect(await titles(guest, `author.email ~ 'alice-'`)).toEqual([]);
    expect(await titles(guest, `author.email = '${seeded.aliceEmail}'`)).toEqual([]);
    expect(await titles(guest, `author.email ~ 'bob-'`)).toEqual(['p2', 'p3']);
  });

  it('letter-by-letter probing of a hidden email finds nothing, while other fields of the author stay filterable', async () => {
    const guest = client(backend.url);
    for (const prefix of ['a', 'al', 'ali']) expect(await titles(guest, `author.email ~ '${prefix}%'`)).toEqual([]);
    expect(await titles(guest, `author.name = 'alice'`)).toEqual(['p1', 'p4']);
  });

  it('a filter on the auth collection itself matches emails only where visible, even for the record itself', async () => {
    const guest = client(backend.url);
    expect(await guest.collection(names.members).getFullList({ filter: `email = '${seeded.aliceEmail}'` })).toEqual([]);
    const alice = client(backend.url);
    await alice.collection(names.members).authWithPassword(seeded.aliceEmail!, password);
    expect(await alice.collection(names.members).getFullList({ filter: `email = '${seeded.aliceEmail}'` })).toEqual([]);
  });

  it('a superuser filters by any email', async () => {
    expect(await titles(admin, `author.email = '${seeded.aliceEmail}'`)).toEqual(['p1', 'p4']);
  });
});

describe('a relation filter obeys the joined collection\'s list rule', () => {
  it('a joined record hidden by its list rule never matches, and its row is left out of the list', async () => {
    const guest = client(backend.url);
    expect(await titles(guest, `secret.name = 'hidden'`)).toEqual([]);
    expect(await titles(guest, `secret.name = 'shown'`)).toEqual(['p1', 'p4']);
    // PocketBase adds the joined list rule to the whole query: p2 (whose secret is hidden) drops out even through an OR.
    expect(await titles(guest, `title != '' || secret.name = 'x'`)).toEqual(['p1', 'p3', 'p4']);
    expect(await titles(admin, `secret.name = 'hidden'`)).toEqual(['p2']);
  });

  it('joining a superuser-only collection is a 400 for everyone else', async () => {
    const error = await failure(client(backend.url).collection(names.posts).getList(1, 10, { filter: `locked.name = 'x'` }));
    expect(error.status).toBe(400);
    expect(await titles(admin, `locked.name = 'x'`)).toEqual(['p1']);
  });
});

describe('fan-out over multiple relations and multi-valued fields', () => {
  it('"?=" matches when any related record matches, "=" only when every one does', async () => {
    const guest = client(backend.url);
    expect(await titles(guest, `tags.name ?= 'a'`)).toEqual(['p1', 'p2']);
    expect(await titles(guest, `tags.name = 'a'`)).toEqual(['p2']);
    expect(await titles(guest, `tags.name ?!= 'a'`)).toEqual(['p1', 'p3', 'p4']); // p3 has no tags: its LEFT JOINed NULL is not 'a'
    expect(await titles(guest, `tags.name != 'a'`)).toEqual(['p3', 'p4']); // "every tag" holds for no tags
    expect(await titles(guest, `tags.name ?~ 'c'`)).toEqual(['p4']);
  });

  it(':each compares every item of a multiple select, :length counts them', async () => {
    const guest = client(backend.url);
    expect(await titles(guest, `labels:each ?= 'red'`)).toEqual(['p1', 'p2']);
    expect(await titles(guest, `labels:each = 'red'`)).toEqual(['p2']);
    expect(await titles(guest, `labels:length = 2`)).toEqual(['p1']);
    expect(await titles(guest, `tags:length > 1`)).toEqual(['p1', 'p4']);
    expect(await titles(guest, `labels ~ 'blue'`)).toEqual(['p4']);
  });

  it('a multiple select compared without a modifier is compared as its stored JSON value', async () => {
    const guest = client(backend.url);
    expect(await titles(guest, `labels = 'red'`)).toEqual([]);
    expect(await titles(guest, `labels ?= 'red'`)).toEqual([]);
  });
});

describe('back-relations <collection>_via_<field>', () => {
  it('filters posts by their comments, any or all', async () => {
    const guest = client(backend.url);
    const via = `${names.comments}_via_post`;
    expect(await titles(guest, `${via}.text ?~ 'hello'`)).toEqual(['p1', 'p2']);
    expect(await titles(guest, `${via}.text ~ 'hello'`)).toEqual(['p1']);
    expect(await titles(guest, `${via}.text ?= 'bye'`)).toEqual(['p2']);
    expect(await titles(guest, `${via}.id = ''`)).toEqual(['p3', 'p4']);
  });

  it('an unknown back-relation is a 400', async () => {
    expect((await failure(client(backend.url).collection(names.posts).getList(1, 1, { filter: `${names.comments}_via_nope.text = 'x'` }))).status).toBe(400);
  });
});

describe('expand', () => {
  it('every record gets an expand key for a valid relation path, none when the target is superuser-only', async () => {
    const guest = client(backend.url);
    const byTitle = async (expand: string) => Object.fromEntries((await guest.collection(names.posts).getFullList({ expand })).map((p) => [p.title, p.expand]));
    const secrets = await byTitle('secret');
    expect(secrets.p1?.secret?.name).toBe('shown');
    expect(secrets.p2).toEqual({}); // set, but hidden by the secrets' view rule
    expect(secrets.p3).toEqual({}); // empty relation
    expect(Object.values(await byTitle('locked'))).toEqual([undefined, undefined, undefined, undefined]);
    expect((await admin.collection(names.posts).getFirstListItem(`title = 'p1'`, { expand: 'locked' })).expand?.locked?.name).toBe('x');
  });
});

describe('sort through relations', () => {
  it('sorts by a related record\'s field and by a JSON path; a hidden or unknown field is a 400', async () => {
    const guest = client(backend.url);
    const sorted = async (sort: string) => (await guest.collection(names.posts).getFullList({ sort })).map((p) => p.title);
    expect(await sorted('-author.name,title')).toEqual(['p2', 'p3', 'p1', 'p4']);
    expect(await sorted('author.name,-title')).toEqual(['p4', 'p1', 'p3', 'p2']);
    expect(await sorted('-meta.n,title')).toEqual(['p2', 'p1', 'p3', 'p4']);
    for (const sort of ['author.nope', 'nope', 'author.password']) {
      expect((await failure(guest.collection(names.posts).getList(1, 1, { sort }))).status).toBe(400);
    }
  });
});

describe('JSON field paths', () => {
  it('reads keys, nested keys and array items of a JSON field', async () => {
    const guest = client(backend.url);
    expect(await titles(guest, 'meta.n = 5')).toEqual(['p1']);
    expect(await titles(guest, 'meta.n > 5')).toEqual(['p2']);
    expect(await titles(guest, `meta.deep.k = 'v'`)).toEqual(['p1']);
    expect(await titles(guest, 'meta.list.1 = 2')).toEqual(['p1']);
    expect(await titles(guest, 'meta = 12')).toEqual(['p3']);
    expect(await titles(guest, 'meta.missing = null')).toEqual(['p1', 'p2', 'p3', 'p4']);
  });
});

describe('escapes in ~', () => {
  it('an escaped % is a literal percent sign, an unescaped one a wildcard, and \\\\ is one backslash', async () => {
    const pct = await admin.collection(names.tags).create({ name: '100% sure' });
    const slash = await admin.collection(names.tags).create({ name: '100\\x sure' });
    const guest = client(backend.url);
    const names_ = async (filter: string) => (await guest.collection(names.tags).getFullList({ filter, sort: 'name' })).map((t) => t.name);
    expect(await names_(`name ~ '100\\\\%'`)).toEqual(['100% sure']);
    expect(await names_(`name ~ '1%sure'`)).toEqual(['100% sure', '100\\x sure']); // not wrapped: a whole-value pattern
    expect(await names_(`name ~ '100%'`)).toEqual(['100% sure', '100\\x sure']);
    expect(await names_(`name ~ 'a_'`)).toEqual([]);
    expect(await names_(`name = '100\\\\x sure'`)).toEqual(['100\\x sure']);
    expect(await names_(`name ~ '0\\\\'`)).toEqual(['100\\x sure']);
    await admin.collection(names.tags).delete(pct.id);
    await admin.collection(names.tags).delete(slash.id);
  });
});

describe('hostile filters stay cheap', () => {
  it('deep nesting, many joins and long fan-outs answer within a second with a result or a 400', async () => {
    const guest = client(backend.url);
    const hostile = [
      '('.repeat(500) + "title = 'x'" + ')'.repeat(500),
      Array.from({ length: 200 }, (_, i) => `tags.name ?= '${i}'`).join(' || '),
      Array.from({ length: 60 }, () => `${names.comments}_via_post.post.tags.name ?~ 'a'`).join(' && '),
      Array.from({ length: 100 }, (_, i) => `author.name ~ '%${i}%'`).join(' || '),
    ];
    for (const filter of hostile.filter((f) => f.length <= 3500)) {
      const started = Date.now();
      const outcome = await guest.collection(names.posts).getList(1, 10, { filter }).then(() => 200, (error: { status: number }) => error.status);
      expect([200, 400]).toContain(outcome);
      expect(Date.now() - started).toBeLessThan(1000);
    }
  });
});
