/**
 * @module pages/templates
 * EJS templates compiled once and cached (the cache is cleared on change in
 * dev). `<script server>` blocks are rewritten once, at compile time, into EJS
 * scriptlets, so their variables are visible to the rest of the template and
 * pages may `await` at top level. Partials render synchronously (as in
 * PocketPages): do async work in the page and pass the results in.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import ejs from 'ejs';
import { findPrivateFile } from './private-files.js';

export type Render = (locals: Record<string, unknown>) => Promise<string> | string;

const scriptServer = /<script\s+server\s*>([\s\S]*?)<\/script>/gi;

/**
 * `<script server>code</script>` → `<% code %>`. The spaces matter: code starting with `-`, `=`
 * or `#` would otherwise turn the scriptlet into an output tag or a comment.
 */
export function rewriteScriptServer(source: string): string {
  return source.replace(scriptServer, (_, code: string) => `<% ${code} %>`);
}

/**
 * Makes EJS's `echo` (its output function) print as PocketPages' does: arguments joined by a space,
 * objects as JSON, never `[object Object]`. Prepended on the template's first line, so line numbers
 * in errors are unchanged.
 */
export const echoPrelude =
  "<% echo = ((out) => (...args) => out(args.map((v) => typeof v === 'string' ? v : v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)).join(' ')))(echo); %>";

export class TemplateCache {
  readonly #pagesDir: string;
  readonly #compiled = new Map<string, Render>();
  readonly #partials = new Map<string, { file: string; render: Render }>();

  constructor(pagesDir: string) {
    this.#pagesDir = pagesDir;
  }

  clear(): void {
    this.#compiled.clear();
    this.#partials.clear();
  }

  get(file: string, async: boolean): Render {
    const key = `${async ? 'a' : 's'}:${file}`;
    let render = this.#compiled.get(key);
    if (!render) {
      const source = echoPrelude + rewriteScriptServer(readFileSync(file, 'utf8'));
      try {
        // unsafePrototypeLocals: EJS would otherwise shallow-copy the locals, freezing getters such as
        // `auth` (which must change after `await signInAnonymously()`) and dropping what layouts inherit
        // from the page context. The locals are our own per-request object, never user-supplied data.
        const options = { async, filename: file, localsName: 'locals', strict: false, outputFunctionName: 'echo', unsafePrototypeLocals: true };
        render = ejs.compile(source, options as ejs.Options) as Render;
      } catch (error) {
        throw Object.assign(new Error(`${relative(this.#pagesDir, file)}: ${(error as Error).message}`), { cause: error });
      }
      this.#compiled.set(key, render);
    }
    return render;
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

const slotMarker = /<!--\s*slot:(\w+)\s*-->/g;

/** Splits page HTML at `<!-- slot:name -->` markers: the unmarked part is `slot`, each marked part a named slot. */
export function splitSlots(html: string): { slot: string; slots: Record<string, string> } {
  const slots: Record<string, string> = {};
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
