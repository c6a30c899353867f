import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, parseFilter, RecordFieldResolver, type CollectionJson, type RequestInfo } from '../../../src/embedded/filter/index.js';

const users: CollectionJson = { id: 'u', name: 'users', type: 'auth', listRule: '', fields: [
  { name: 'id', type: 'text' }, { name: 'email', type: 'email' }, { name: 'verified', type: 'bool' }, { name: 'emailVisibility', type: 'bool' }, { name: 'tokenKey', type: 'text', hidden: true },
] };
const notes: CollectionJson = { id: 'n', name: 'notes', type: 'base', fields: [
  { name: 'id', type: 'text' }, { name: 'title', type: 'text' }, { name: 'rank', type: 'number' }, { name: 'public', type: 'bool' },
  { name: 'owner', type: 'relation', collectionId: 'u', maxSelect: 1 }, { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
] };
const db = new Database(':memory:');
const lookup = (x: string) => [users, notes].find((c) => c.id === x || c.name === x);

beforeAll(() => {
  db.exec(`CREATE TABLE users (id TEXT, email TEXT, verified INTEGER, tokenKey TEXT, emailVisibility INTEGER);
    CREATE TABLE notes (id TEXT, title TEXT, rank NUMERIC, public INTEGER, owner TEXT, tags TEXT);
    INSERT INTO users VALUES ('alice', 'alice@x.io', 1, 'k1', 0), ('bob', 'bob@x.io', 0, 'k2', 1);
    INSERT INTO notes VALUES ('n1', 'Buy milk', 1, 0, 'alice', '["a","b"]'), ('n2', '100% juice_box', 2, 1, 'bob', '["a"]'),
      ('n3', '', 3, 0, '', '[]');`);
});

const alice: RequestInfo['auth'] = { id: 'alice', email: 'alice@x.io', verified: true, collectionId: 'u', collectionName: 'users' };

function ids(filter: string, options: { auth?: RequestInfo['auth']; body?: Record<string, unknown>; allowHidden?: boolean; collection?: CollectionJson } = {}): string[] {
  const collection = options.collection ?? notes;
  const resolver = new RecordFieldResolver({
    collection, lookupCollection: lookup,
    request: { auth: options.auth ?? null, body: options.body ?? {} },
    allowHidden: options.allowHidden ?? true,
  });
  const { sql, params } = compileFilter(parseFilter(filter), resolver);
  const { joins, where } = resolver.finish();
  const extra = where ? ` AND ${where.sql}` : '';
  const rows = db.prepare(`SELECT DISTINCT r.id FROM ${collection.name} r ${joins.sql} WHERE ${sql}${extra} ORDER BY r.id`).all(...joins.params, ...params, ...(where?.params ?? [])) as { id: string }[];
  return rows.map((r) => r.id);
}

describe('the filter language compiled to SQLite', () => {
  it('"owner = @request.auth.id" returns only the owner\'s rows, and none for a guest', () => {
    expect(ids('owner = @request.auth.id', { auth: alice })).toEqual(['n1']);
    expect(ids('owner = @request.auth.id')).toEqual(['n3']); // NULL equals '': the ownerless row matches a guest, as in PocketBase
    expect(ids("@request.auth.id != ''")).toEqual([]);
    expect(ids("@request.auth.id != ''", { auth: alice })).toEqual(['n1', 'n2', 'n3']);
  });

  it('treats NULL and empty string as equal for = and !=', () => {
    expect(ids("owner = ''")).toEqual(['n3']);
    expect(ids('owner = null')).toEqual(['n3']);
    expect(ids("owner != ''")).toEqual(['n1', 'n2']);
  });

  it('compares booleans as 1/0 and numbers numerically, with && binding tighter than ||', () => {
    expect(ids('public = true')).toEqual(['n2']);
    expect(ids('public = false && rank > 1')).toEqual(['n3']);
    expect(ids('rank >= 3 || rank <= 1 && public = false')).toEqual(['n1', 'n3']);
    expect(ids('(rank >= 3 || rank <= 1) && title != ""')).toEqual(['n1']);
  });

  it('makes ~ a case-insensitive contains that escapes % and _ unless % is given', () => {
    expect(ids('title ~ "MILK"')).toEqual(['n1']);
    expect(ids('title ~ "juice_box"')).toEqual(['n2']);
    expect(ids('title ~ "100%"')).toEqual(['n2']);
    expect(ids('title ~ "B_y"')).toEqual([]); // an unescaped _ would match "Buy"
    expect(ids('title ~ "Buy%"')).toEqual(['n1']);
    expect(ids('title !~ "milk"')).toEqual(['n2', 'n3']);
  });

  it('matches :each items of a multiple field for all items by default and for any item with ?=', () => {
    expect(ids('tags:each ?= "b"')).toEqual(['n1']);
    expect(ids('tags:each = "a"')).toEqual(['n2']);
    expect(ids('tags:length = 2')).toEqual(['n1']);
  });

  it('reads submitted values, :isset, dotted relation paths and date macros', () => {
    expect(ids('@request.body.title = title', { body: { title: 'Buy milk' } })).toEqual(['n1']);
    expect(ids('@request.body.public:isset = false', { body: {} })).toEqual(['n1', 'n2', 'n3']);
    expect(ids('owner.email = "bob@x.io"')).toEqual(['n2']);
    expect(ids('@now > "2000-01-01" && rank = 1')).toEqual(['n1']);
  });

  it('binds literals: an injection attempt is just a string that matches nothing', () => {
    expect(ids('title = "x\\" OR 1=1 --"')).toEqual([]);
    expect(ids("title = 'x\\' OR 1=1 --'")).toEqual([]);
  });

  it('allows // comments', () => {
    expect(ids('rank = 2 // only the second\n')).toEqual(['n2']);
  });

  it('refuses hidden fields and reads emails only where visible when hidden fields are not allowed', () => {
    expect(() => ids('tokenKey = "k1"', { collection: users, allowHidden: false })).toThrow(/Non-filterable/);
    expect(ids('tokenKey = "k1"', { collection: users })).toEqual(['alice']);
    expect(ids('email ~ "alice"', { collection: users, allowHidden: false })).toEqual([]);
    expect(ids('email ~ "bob"', { collection: users, allowHidden: false })).toEqual(['bob']);
    expect(ids('owner.email ~ "alice"', { allowHidden: false })).toEqual([]);
    expect(ids('owner.email ~ "alice"')).toEqual(['n1']);
  });

  it('rejects syntax it does not support with a clear FilterError, never silently', () => {
    for (const [filter, message] of [
      ['(rank = 1', /closing parenthesis/],
      ['rank = ', /ends too early/],
      ['rank 1', /Expected an operator/],
      ['"open', /Unterminated string/],
      ['rank = 1 $', /Unexpected character/],
      ['nope = 1', /Unknown field "nope"/],
      ['title:upper = "x"', /Unknown modifier/],
      ['('.repeat(101) + 'rank = 1' + ')'.repeat(101), /deeper than 100/],
      ['x'.repeat(3501), /longer than 3500/],
      [Array.from({ length: 201 }, () => 'rank = 1').join(' && '), /more than 200 expressions/],
    ] as const) {
      expect(() => ids(filter)).toThrow(message);
    }
  });
});
