/**
 * @module pages/markdown
 * `.md` pages: YAML frontmatter (between `---` lines at the top) goes into
 * `meta()`, the rest is rendered by `marked` after EJS has run over it (so a
 * Markdown page may use `<%= %>` like any page), then wrapped in layouts.
 */
import { readFileSync } from 'node:fs';
import ejs from 'ejs';
import { Marked } from 'marked';
import { parse as parseYaml } from 'yaml';
import { echoPrelude, rewriteScriptServer, type Render } from './templates.js';

const marked = new Marked({ gfm: true, async: false });
const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

export interface MarkdownSource {
  meta: Record<string, unknown>;
  /** The Markdown after the frontmatter, with the frontmatter's lines kept blank so line numbers still match. */
  body: string;
}

export function splitFrontmatter(source: string, file: string): MarkdownSource {
  const match = frontmatter.exec(source);
  if (!match) return { meta: {}, body: source };
  let meta: unknown;
  try {
    meta = parseYaml(match[1]!) ?? {};
  } catch (error) {
    throw new Error(`${file}: the frontmatter is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof meta !== 'object' || Array.isArray(meta)) throw new Error(`${file}: the frontmatter must be a YAML mapping (key: value).`);
  return { meta: meta as Record<string, unknown>, body: '\n'.repeat(match[0].split('\n').length - 1) + source.slice(match[0].length) };
}

export function renderMarkdown(markdown: string): string {
  return marked.parse(markdown) as string;
}

/** Compiled Markdown pages and partials, once per file and mode (cleared on change in dev). */
export class MarkdownPages {
  readonly #compiled = new Map<string, { meta: Record<string, unknown>; render: Render }>();

  clear(): void {
    this.#compiled.clear();
  }

  #compile(file: string, async: boolean): { meta: Record<string, unknown>; render: Render } {
    const key = `${async ? 'a' : 's'}:${file}`;
    let page = this.#compiled.get(key);
    if (!page) {
      const { meta, body } = splitFrontmatter(readFileSync(file, 'utf8'), file);
      // The same EJS options as .ejs pages (see TemplateCache.get), so a Markdown page sees the same context.
      const options = { async, filename: file, localsName: 'locals', strict: false, outputFunctionName: 'echo', unsafePrototypeLocals: true };
      page = { meta, render: ejs.compile(echoPrelude + rewriteScriptServer(body), options as ejs.Options) as Render };
      this.#compiled.set(key, page);
    }
    return page;
  }

  /** The page's frontmatter and a render function giving its HTML. */
  get(file: string): { meta: Record<string, unknown>; render: (locals: Record<string, unknown>) => Promise<string> } {
    const { meta, render } = this.#compile(file, true);
    return { meta, render: async (locals) => renderMarkdown(await render(locals)) };
  }

  /** A Markdown partial (`include('toc.md')`): synchronous like every partial; its frontmatter is dropped. */
  partial(file: string): (locals: Record<string, unknown>) => string {
    const { render } = this.#compile(file, false);
    return (locals) => renderMarkdown(render(locals) as string);
  }
}
