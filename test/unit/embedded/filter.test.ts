import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, createRecordResolver, FilterError, FilterForbiddenError, parseFilter, type CollectionJson, type RequestInfo } from '../../../src/embedded/filter/index.js';

const users: CollectionJson = { id: 'u', name: 'users', type: 'auth', fields: [
  { name: 'id', type: 'text' }, { name: 'email', type: 'email' }, { name: 'verified', type: 'bool' }, { name: 'tokenKey', type: 'text', hidden: true },
] };
const notes: CollectionJson = { id: 'n', name: 'notes', type: 'base', fields: [
  { name: 'id', type: 'text' }, { name: 'title', type: 'text' }, { name: 'rank', type: 'number' }, { name: 'public', type: 'bool' },
  { name: 'owner', type: 'relation', collectionId: 'u', maxSelect: 1 }, { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
] };
const db = new Database(':memory:');
const lookup = (x: string) => [users, notes].find((c) => c.id === x || c.name === x);

beforeAll(() => {
  db.exec(`CREATE TABLE users (id TEXT, email TEXT, verified INTEGER, tokenKey TEXT);
    CREATE TABLE notes (id TEXT, title TEXT, rank NUMERIC, public INTEGER, owner TEXT, tags TEXT);
    INSERT INTO users VALUES ('alice', 'alice@x.io', 1, 'k1'), ('bob', 'bob@x.io', 0, 'k2');
    INSERT INTO notes VALUES ('n1', 'Buy milk', 1, 0, 'alice', '["a","b"]'), ('n2', '100% juice_box', 2, 1, 'bob', '["a"]'),
      ('n3', '', 3, 0, '', '[]');`);
});

const alice: RequestInfo['auth'] = { id: 'alice', email: 'alice@x.io', verified: true, collectionId: 'u', collectionName: 'users' };

function ids(filter: string, options: { auth?: RequestInfo['auth']; body?: Record<string, unknown>; clientFilter?: boolean; superuser?: boolean } = {}): string[] {
  const resolver = createRecordResolver({
    collection: notes, target: { alias: 'r' }, lookupCollection: lookup,
    request: { auth: options.auth ?? null, body: options.body ?? {} },
    isSuperuser: options.superuser ?? false, clientFilter: options.clientFilter ?? false,
  });
  const { sql, params } = compileFilter(parseFilter(filter), resolver);
  return (db.prepare(`SELECT id FROM notes r WHERE ${sql} ORDER BY id`).all(...params) as { id: string }[]).map((r) => r.id);
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

  it('matches multi-valued fields for all items by default and for any item with ?=', () => {
    expect(ids('tags ?= "b"')).toEqual(['n1']);
    expect(ids('tags = "a"')).toEqual(['n2', 'n3']);
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

  it('refuses @request in a client filter unless superuser, and hidden fields', () => {
    expect(() => ids('@request.auth.id != ""', { clientFilter: true })).toThrow(FilterForbiddenError);
    expect(ids('@request.auth.id = ""', { clientFilter: true, superuser: true })).toEqual(['n1', 'n2', 'n3']);
    const resolver = createRecordResolver({ collection: users, target: { alias: 'r' }, lookupCollection: lookup, request: { auth: null }, isSuperuser: false, clientFilter: true });
    expect(() => compileFilter(parseFilter('tokenKey = "k1"'), resolver)).toThrow(FilterError);
  });

  it('rejects syntax it does not support with a clear FilterError, never silently', () => {
    for (const [filter, message] of [
      ['(rank = 1', /closing parenthesis/],
      ['rank = ', /ends too early/],
      ['rank 1', /Expected an operator/],
      ['"open', /Unterminated string/],
      ['rank = 1 $', /Unexpected character/],
      ['nope = 1', /Unknown field "nope"/],
      ['title:upper = "x"', /Unsupported modifier/],
      ['x'.repeat(3501), /longer than 3500/],
      [Array.from({ length: 201 }, () => 'rank = 1').join(' && '), /more than 200 expressions/],
    ] as const) {
      expect(() => ids(filter)).toThrow(message);
    }
  });
});
