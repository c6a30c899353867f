import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewriteScriptServer, splitSlots, TemplateCache } from '../../../src/pages/templates.js';

let dir: string;
let cache: TemplateCache;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pbpages-templates-'));
  await mkdir(join(dir, 'blog', '_private'), { recursive: true });
  await mkdir(join(dir, '_private'));
  await writeFile(join(dir, '_private', 'card.ejs'), 'root card');
  await writeFile(join(dir, 'blog', '_private', 'card.ejs'), 'blog card');
  cache = new TemplateCache(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function render(source: string, locals: Record<string, unknown> = {}): Promise<string> {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.ejs`);
  await writeFile(file, source);
  return cache.get(file, true)(locals);
}

describe('templates', () => {
  it('turns <script server> blocks into server code whose variables the template can use', async () => {
    expect(rewriteScriptServer('<script server>const a = 1;</script><%= a %>')).toBe('<% const a = 1; %><%= a %>');
    expect(await render('<script server>-1 + 2; const x = "y";</script><%= x %>')).toBe('y');
    expect(await render('<script server>\n  const name = "Ada";\n</script><p><%= name %></p>')).toBe('<p>Ada</p>');
  });

  it('allows top-level await and several script blocks in one page', async () => {
    const html = await render('<script server>const a = await Promise.resolve(2);</script><%= a %>-<script server>const b = a * 3;</script><%= b %>');
    expect(html).toBe('2-6');
  });

  it('leaves ordinary <script> tags for the browser alone', async () => {
    expect(await render('<script>console.log(1)</script>')).toBe('<script>console.log(1)</script>');
  });

  it('escapes <%= output and leaves <%- raw', async () => {
    expect(await render('<%= v %>|<%- v %>', { v: '<b>"x"&</b>' })).toBe('&lt;b&gt;&#34;x&#34;&amp;&lt;/b&gt;|<b>"x"&</b>');
  });

  it('lets a script block write output with echo()', async () => {
    expect(await render('<script server>echo("<i>hi</i>")</script>!')).toBe('<i>hi</i>!');
  });

  it('compiles a template once and reuses it', async () => {
    const file = join(dir, 'once.ejs');
    await writeFile(file, 'first');
    const first = cache.get(file, true);
    await writeFile(file, 'second');
    expect(cache.get(file, true)).toBe(first);
    cache.clear();
    expect(await cache.get(file, true)({})).toBe('second');
  });

  it('finds a partial in the nearest _private folder upwards, and lists the paths tried when it is missing', () => {
    expect(cache.resolvePartial('card.ejs', join(dir, 'blog'))).toBe(join(dir, 'blog', '_private', 'card.ejs'));
    expect(cache.resolvePartial('card.ejs', dir)).toBe(join(dir, '_private', 'card.ejs'));
    expect(() => cache.resolvePartial('nope.ejs', join(dir, 'blog'))).toThrow('Tried: blog/_private/nope.ejs, _private/nope.ejs');
  });

  it('splits named slots out of page HTML', () => {
    expect(splitSlots('main<!-- slot:side -->aside<!--slot:default-->more')).toEqual({ slot: 'mainmore', slots: { side: 'aside' } });
    expect(splitSlots('plain')).toEqual({ slot: 'plain', slots: {} });
  });
});
