/**
 * @module pages/templates
 * EJS templates compiled once and cached (the cache is cleared on change in
 * dev). `<script server>` blocks are rewritten once, at compile time, into EJS
 * scriptlets, so their variables are visible to the rest of the template and
 * pages may `await` at top level. Partials render synchronously (as in
 * PocketPages): do async work in the page and pass the results in. How a
 * template is compiled (without `with`, includes bound at compile time) is
 * page-compiler's business. A `.md` template (page or partial) is EJS too:
 * its frontmatter is blanked out and its output goes through marked.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { blankFrontmatter, renderMarkdown } from './markdown.js';
import { compileTemplate, type Render } from './page-compiler.js';
import { findPrivateFile } from './private-files.js';

export type { Render };

const scriptServer = /<script\s+server\s*>([\s\S]*?)<\/script>/gi;

/**
 * `<script server>code</script>` → `<% code %>`. The spaces matter: code starting with `-`, `=`
 * or `#` would otherwise turn the scriptlet into an output tag or a comment.
 */
export function rewriteScriptServer(source: string): string {
  return source.replace(scriptServer, (_, code: string) => `<% ${code} %>`);
}

export class TemplateCache {
  readonly #pagesDir: string;
  readonly #compiled = new Map<string, Render>();
  readonly #partials = new Map<string, { file: string; render: Render }>();
  /** Templates being compiled right now: a partial that includes itself is left to run time. */
  readonly #compiling = new Set<string>();

  constructor(pagesDir: string) {
    this.#pagesDir = pagesDir;
  }

  clear(): void {
    this.#compiled.clear();
    this.#partials.clear();
  }

  /** The compiled template: pages and layouts `async` (top-level await), partials sync. */
  get(file: string, async: boolean): Render {
    const key = `${async ? 'a' : 's'}:${file}`;
    let render = this.#compiled.get(key);
    if (!render) {
      const markdown = file.endsWith('.md');
      const text = readFileSync(file, 'utf8');
      const source = rewriteScriptServer(markdown ? blankFrontmatter(text) : text);
      const dir = dirname(file);
      this.#compiling.add(key);
      try {
        render = compileTemplate({
          source, file, async,
          partial: (name) => this.#knownPartial(name, dir),
          include: (ctx, name, extra) => this.partial(name, dir).render(ctx, extra) as string,
        });
      } catch (error) {
        throw Object.assign(new Error(`${relative(this.#pagesDir, file)}: ${(error as Error).message}`), { cause: error });
      } finally {
        this.#compiling.delete(key);
      }
      if (markdown) render = asMarkdown(render, async);
      this.#compiled.set(key, render);
    }
    return render;
  }

  /** For inlining `include('name')`: the partial's compiled function, unless it is missing, broken or recursive. */
  #knownPartial(name: string, fromDir: string): Render | undefined {
    try {
      const file = this.resolvePartial(name, fromDir);
      if (this.#compiling.has(`s:${file}`)) return undefined;
      return this.partial(name, fromDir).render;
    } catch {
      return undefined; // the include fails at run time, with the page's line, only if it runs
    }
  }

  /**
   * The partial's file, as PocketPages resolves it: `_private/name` (or `name.ejs`) in `fromDir`,
   * then each parent up to the pages root; `/name` from the pages root. Never outside `pages/`
   * (`..`, encoded forms and symlinks out are refused with a 400); the error lists the paths tried.
   */
  resolvePartial(name: string, fromDir: string): string {
    return findPrivateFile({ kind: 'include', pagesDir: this.#pagesDir, fromDir, name, extensions: ['.ejs'] });
  }

  /** The partial's file and its compiled (synchronous) template, looked up once per folder and name. */
  partial(name: string, fromDir: string): { file: string; render: Render } {
    const key = `${fromDir}\0${name}`;
    let known = this.#partials.get(key);
    if (!known) {
      const file = this.resolvePartial(name, fromDir);
      known = { file, render: this.get(file, false) };
      this.#partials.set(key, known);
    }
    return known;
  }

}

/** A Markdown template's render: its EJS output through marked. */
function asMarkdown(render: Render, async: boolean): Render {
  return async
    ? async (ctx, extra) => renderMarkdown(await render(ctx, extra))
    : (ctx, extra) => renderMarkdown(render(ctx, extra) as string);
}

const slotMarker = /<!--\s*slot:(\w+)\s*-->/g;

/** Splits page HTML at `<!-- slot:name -->` markers: the unmarked part is `slot`, each marked part a named slot. */
export function splitSlots(html: string): { slot: string; slots: Record<string, string> } {
  const slots: Record<string, string> = {};
  if (!html.includes('<!--')) return { slot: html, slots };
  const marks = [...html.matchAll(slotMarker)];
  if (marks.length === 0) return { slot: html, slots };
  let slot = html.slice(0, marks[0]!.index);
  marks.forEach((mark, i) => {
    const end = i + 1 < marks.length ? marks[i + 1]!.index : html.length;
    const body = html.slice(mark.index! + mark[0].length, end);
    if (mark[1] === 'default') slot += body;
    else slots[mark[1]!] = (slots[mark[1]!] ?? '') + body;
  });
  return { slot, slots };
}
