import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ejs from 'ejs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/pages/escape-html.js';
import { TemplateCache } from '../../../src/pages/templates.js';

let dir: string;
let cache: TemplateCache;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pbpages-compiler-'));
  await mkdir(join(dir, '_private'));
  await writeFile(join(dir, '_private', 'item.ejs'), '<li><%= item.title %> by <%= who ?? "nobody" %></li>');
  await writeFile(join(dir, '_private', 'locals.ejs'), '<%= locals.item ? "has item" : "no item" %>/<%= locals.who %>');
  await writeFile(join(dir, '_private', 'outer.ejs'), '[<%- include("item.ejs", { item }) %>]');
  await writeFile(join(dir, '_private', 'tree.ejs'), '(<%= depth %><% if (depth > 0) { %><%- include("tree.ejs", { depth: depth - 1 }) %><% } %>)');
  await writeFile(join(dir, '_private', 'broken.ejs'), 'ok\n<%= thing.missing.deeper %>\n');
  cache = new TemplateCache(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function page(source: string): Promise<string> {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.ejs`);
  await writeFile(file, source);
  return file;
}

async function render(source: string, ctx: object = {}): Promise<string> {
  return cache.get(await page(source), true)(ctx);
}

describe('compiled pages', () => {
  it('reads a context getter afresh after an await, so `auth` is the new visitor after signing in', async () => {
    let record: { id: string } | undefined;
    const ctx = {
      get auth() {
        return record;
      },
      async signInAnonymously() {
        record = { id: 'guest1' };
      },
    };
    const source = '<script server>const before = auth?.id ?? "none"; await signInAnonymously();</script><%= before %>→<%= auth.id %>/<%= `${auth.id}` %>/<%= JSON.stringify({ auth }) %>';
    expect(await render(source, ctx)).toBe('none→guest1/guest1/{&#34;auth&#34;:{&#34;id&#34;:&#34;guest1&#34;}}');
  });

  it('lets page code assign context names, and the assignment reaches the context (layouts see it)', async () => {
    const ctx: Record<string, unknown> = { data: { a: 1 }, title: 'old' };
    expect(await render('<script server>data = { b: 2 }; title = "new"; counter = 1; counter++;</script><%= data.b %>', ctx)).toBe('2');
    expect(ctx).toMatchObject({ data: { b: 2 }, title: 'new', counter: 2 });
  });

  it('lets a page declare its own variables with the names of context values, in any scope', async () => {
    const ctx = { data: 'ctx', params: 'ctx', auth: 'ctx', user: 'ctx' };
    const source = '<script server>const data = "mine"; var params = "var"; const list = ["x"].map((auth) => auth + "!"); function user() { return "fn"; }</script><%= data %> <%= params %> <%= list[0] %> <%= user() %>';
    expect(await render(source, ctx)).toBe('mine var x! fn');
  });

  it('leaves JavaScript globals alone and reads names the context lacks as undefined', async () => {
    expect(await render('<%= JSON.stringify([Math.max(1, 2)]) %>|<%= typeof nothingHere %>|<% if (typeof title !== "undefined") { %>has<% } %>', {})).toBe('[2]|undefined|');
  });

  it('keeps EJS whitespace control, comments and literal delimiters', async () => {
    expect(await render('<ul>\n  <%_ for (const n of [1, 2]) { _%>\n  <li><%= n %></li>\n  <%_ } _%>\n</ul><%# hidden %><%% raw %%>\n<% if (true) { -%>\nx\n<% } -%>\n', {})).toBe(
      '<ul>\n  <li>1</li>\n  <li>2</li>\n</ul><% raw %>\nx\n',
    );
  });

  it('gives a partial its own locals first, then the page context, and `locals` holds both', async () => {
    const ctx = { who: 'Ada' };
    expect(await render('<%- include("item.ejs", { item: { title: "<T>" } }) %><%- include("item.ejs", { item: { title: "U" }, who: "Bob" }) %>', ctx)).toBe(
      '<li>&lt;T&gt; by Ada</li><li>U by Bob</li>',
    );
    expect(await render('<%- include("locals.ejs", { item: 1 }) %>', ctx)).toBe('has item/Ada');
    expect(await render('<%- include("outer.ejs", { item: { title: "n" } }) %>', ctx)).toBe('[<li>n by Ada</li>]');
  });

  it('binds an include with a literal name to the compiled partial once, so rendering no longer looks it up', async () => {
    const own = new TemplateCache(dir);
    await writeFile(join(dir, '_private', 'gone.ejs'), '<b><%= x %></b>');
    const file = await page('<%- include("gone.ejs", { x: 1 }) %><%- include("gone.ejs", { x: 2 }) %>');
    const render = own.get(file, true);
    await rm(join(dir, '_private', 'gone.ejs'));
    expect(await render({})).toBe('<b>1</b><b>2</b>');
  });

  it('resolves includes with computed names, and partials that include themselves, when they run', async () => {
    expect(await render('<%- include(name, { item: { title: "c" } }) %>', { name: 'item.ejs' })).toBe('<li>c by nobody</li>');
    expect(await render('<%- include("tree.ejs", { depth: 2 }) %>', {})).toBe('(2(1(0)))');
  });

  it('fails on a missing partial only when the include runs, pointing at the page line', async () => {
    expect(await render('<% if (false) { %><%- include("nowhere.ejs") %><% } %>ok', {})).toBe('ok');
    const file = await page('first\n<%- include("nowhere.ejs") %>');
    await expect(cache.get(file, true)({})).rejects.toThrow(/\.ejs:2\n[\s\S]*partial not found/);
  });

  it('points an error at the template file and line, the innermost partial first', async () => {
    const file = await page('<p>page</p>\n\n<%- include("broken.ejs", { thing: {} }) %>');
    const error = await Promise.resolve(cache.get(file, true)({})).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(new RegExp(`^${join(dir, '_private', 'broken.ejs').replace(/[/\\.]/g, '\\$&')}:2\n`));
    expect(error?.message).toContain(' >> 2| <%= thing.missing.deeper %>');
    expect(error?.stack).toContain(file);
    const own = await page('a\nb\n<% null.x %>');
    await expect(cache.get(own, true)({})).rejects.toThrow(`${own}:3`);
  });

  it('keeps the message of an error meant for the visitor (one with a status) free of template source', async () => {
    const error = await render('<% throw Object.assign(new Error("Already taken."), { status: 409 }) %>').catch((e: Error) => e);
    expect((error as Error).message).toBe('Already taken.');
  });

  it('reports a syntax error in a template with its file name', async () => {
    const file = await page('<% if ( %>');
    expect(() => cache.get(file, true)).toThrow(/t\w+\.ejs: .* while compiling the template/);
  });
});

describe('escapeHtml', () => {
  it('escapes exactly as EJS does, for any string', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', '&', '<', '>', '"', "'", 'é', ' ') }), (s) => escapeHtml(s) === ejs.escapeXML(s)));
    fc.assert(fc.property(fc.string(), (s) => escapeHtml(s) === ejs.escapeXML(s)));
    expect([escapeHtml(undefined), escapeHtml(null), escapeHtml(0), escapeHtml('plain')]).toEqual(['', '', '0', 'plain']);
  });
});
