/**
 * @module pages/markdown
 * `.md` pages: YAML frontmatter (between `---` lines at the top) goes into
 * `meta()`, the rest is rendered by `marked` after EJS has run over it (so a
 * Markdown page may use `<%= %>` like any page), then wrapped in layouts.
 */
import { readFileSync } from 'node:fs';
import { Marked } from 'marked';
import { parse as parseYaml } from 'yaml';

const marked = new Marked({ gfm: true, async: false });
const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/** The YAML frontmatter of a Markdown source as an object (empty without one). */
export function readFrontmatter(source: string, file: string): Record<string, unknown> {
  const match = frontmatter.exec(source);
  if (!match) return {};
  let meta: unknown;
  try {
    meta = parseYaml(match[1]!) ?? {};
  } catch (error) {
    throw new Error(`${file}: the frontmatter is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof meta !== 'object' || Array.isArray(meta)) throw new Error(`${file}: the frontmatter must be a YAML mapping (key: value).`);
  return meta as Record<string, unknown>;
}

export function renderMarkdown(markdown: string): string {
  return marked.parse(markdown) as string;
}

/** The source with the frontmatter's lines left blank, so EJS line numbers still match the file. */
export function blankFrontmatter(source: string): string {
  const match = frontmatter.exec(source);
  return match ? '\n'.repeat(match[0].split('\n').length - 1) + source.slice(match[0].length) : source;
}

/** Frontmatter of Markdown pages, read once per file (cleared on change in dev). */
export class MarkdownPages {
  readonly #meta = new Map<string, Record<string, unknown>>();

  clear(): void {
    this.#meta.clear();
  }

  frontmatter(file: string): Record<string, unknown> {
    let meta = this.#meta.get(file);
    if (!meta) {
      meta = readFrontmatter(readFileSync(file, 'utf8'), file);
      this.#meta.set(file, meta);
    }
    return meta;
  }
}
