/**
 * @module pages/page-compiler
 * Turns one EJS template into a fast render function, without `with`.
 *
 * EJS parses the template (so its syntax stays exactly EJS's: `<%=` escaped, `<%-` raw,
 * `<%_`, `-%>`, `_%>`, `<%%`) and hands us the body of its function. We then give the body
 * its names ourselves:
 * - context names the engine always sets and that never change during a render
 *   (`plainContextNames`) are read once into local `let`s, unless the template assigns them;
 * - in pages and layouts (async), every other free name is rewritten to `ctx.name`, so
 *   getters such as `auth` stay live after `await signInAnonymously()` and an assignment
 *   reaches the context as it did under `with` (layouts and partials see it);
 * - in partials (sync, nothing can change while they run) every free name is a `let`,
 *   taken from the partial's own locals first, then from the page context;
 * - names of the JavaScript global scope (`JSON`, `Math`, `URL`, …) are left alone.
 * A rewrite that does not compile (the template declares or binds that name itself) falls
 * back to a `let`, name by name. `include('literal')` of a partial found at compile time
 * becomes a direct call of the partial's compiled function; other includes resolve at run time.
 *
 * Errors keep pointing at the template: the code records the template line as it goes and a
 * failure is rethrown with `file:line` and the surrounding lines (as EJS does); errors that
 * carry a `status` (meant for the visitor) are left as they are.
 */
import ejs from 'ejs';
import { plainContextNames } from './context.js';
import { escapeHtml } from './escape-html.js';
import { echoText } from './stringify.js';
import { tokenize, type Token } from './js-tokens.js';

/** A compiled template: the page context, and for partials their own locals. */
export type Render = (ctx: object, extra?: Record<string, unknown>) => Promise<string> | string;

export interface CompileInput {
  /** Template text, `<script server>` already rewritten. */
  source: string;
  file: string;
  async: boolean;
  /** A partial's compiled function, if `name` resolves now from this template's folder; else undefined. */
  partial(name: string): Render | undefined;
  /** `include(name, extra)` at run time, from this template's folder. */
  include(ctx: object, name: string, extra?: Record<string, unknown>): string;
}

const reserved = new Set(
  ('break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof ' +
    'new null return super switch this throw true try typeof var void while with yield let static await async of get set arguments eval undefined NaN Infinity')
    .split(' '),
);
const assignments = new Set(['=', '+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=', '&&=', '||=', '??=', '++', '--']);
const plain = new Set(plainContextNames);
const located = Symbol('pbpages.located');

interface Analysis {
  tokens: Token[];
  /** Innermost open bracket around each token: '{', '(', '[' or '$' (a template literal's `${`). */
  enclosing: string[];
  names: Set<string>;
  assigned: Set<string>;
  includes: Map<number, string>;
}

export function compileTemplate(input: CompileInput): Render {
  const body = ejsBody(input.source, input.file);
  const analysis = analyse(body);
  const partials: Render[] = [];
  const inlined = new Map<number, number>();
  for (const [index, name] of analysis.includes) {
    const render = input.partial(name);
    if (!render) continue;
    inlined.set(index, partials.push(render) - 1);
  }
  const usesInclude = analysis.tokens.some((t, i) => t.kind === 'name' && t.value === 'include' && !isProperty(analysis.tokens, i) && !inlined.has(i));
  const env = { escape: escapeHtml, rethrow: rethrowAt(input.file, input.source), include: input.include, partials, echoText };
  const free = [...analysis.names].filter((name) => !(name in globalThis) || plain.has(name));
  const rewrite = input.async ? free.filter((name) => !plain.has(name) || analysis.assigned.has(name)) : [];
  const build = (rewritten: Set<string>, bound: string[]) =>
    instantiate(source(input, body, analysis, { rewritten, bound, inlined, partials: partials.length, usesInclude }), env);

  const all = new Set(free);
  const attempt = tryBuild(() => build(new Set(rewrite), free.filter((n) => !rewrite.includes(n))));
  if (attempt.render) return attempt.render;
  // Some rewrite does not compile, or the template declares a name we bind: find out which.
  const dropped = new Set<string>();
  for (;;) {
    const plainBuild = tryBuild(() => build(new Set(), [...all].filter((n) => !dropped.has(n))));
    if (plainBuild.render) break;
    const name = /Identifier '([^']+)' has already been declared/.exec(plainBuild.error.message)?.[1];
    if (!name || !all.has(name) || dropped.has(name)) throw compileError(plainBuild.error, input.file);
    dropped.add(name);
  }
  const kept = rewrite.filter((name) => !dropped.has(name) && tryBuild(() => build(new Set([name]), [...all].filter((n) => n !== name && !dropped.has(n)))).render);
  const bound = [...all].filter((n) => !kept.includes(n) && !dropped.has(n));
  const final = tryBuild(() => build(new Set(kept), bound));
  return final.render ?? build(new Set(), [...all].filter((n) => !dropped.has(n)));
}

function ejsBody(source: string, file: string): string {
  const template = new ejs.Template(source, { strict: true, _with: false, compileDebug: true, filename: file }) as ejs.Template & { generateSource(): void };
  template.generateSource();
  // Literal text needs no null check: append it directly.
  return template.source.replace(/^ {4}; __append\(("(?:[^"\\\n]|\\.)*")\)$/gm, '    ; __output += $1');
}

function isProperty(tokens: Token[], i: number): boolean {
  const previous = tokens[i - 1];
  return previous?.kind === 'punct' && (previous.value === '.' || previous.value === '?.');
}

function analyse(body: string): Analysis {
  const tokens = tokenize(body);
  const enclosing: string[] = [];
  const stack: string[] = [];
  const names = new Set<string>();
  const assigned = new Set<string>();
  const includes = new Map<number, string>();
  tokens.forEach((token, i) => {
    enclosing.push(stack.at(-1) ?? '');
    if (token.kind === 'punct') {
      if (token.value === '{' || token.value === '(' || token.value === '[') stack.push(token.value);
      else if (token.value === '}' || token.value === ')' || token.value === ']') stack.pop();
    } else if (token.kind === 'template') {
      if (token.value.startsWith('}')) stack.pop();
      if (token.value.endsWith('${')) stack.push('$');
    } else if (token.kind === 'name' && !isProperty(tokens, i)) {
      const name = token.value;
      if (name === 'include') {
        const [open, literal, after] = [tokens[i + 1], tokens[i + 2], tokens[i + 3]];
        if (open?.value === '(' && literal?.kind === 'string' && !literal.value.includes('\\') && (after?.value === ',' || after?.value === ')')) {
          includes.set(i, literal.value.slice(1, -1));
        }
        return;
      }
      if (reserved.has(name) || name.startsWith('__') || name === 'escapeFn' || name === 'echo' || name === 'locals') return;
      const next = tokens[i + 1]?.value ?? '';
      const previous = tokens[i - 1]?.value ?? '';
      if ((previous === '{' || previous === ',') && next === ':') return; // an object key or a label, not a reference
      names.add(name);
      if (assignments.has(next) || previous === '++' || previous === '--') assigned.add(name);
    }
  });
  return { tokens, enclosing, names, assigned, includes };
}

interface Shape {
  rewritten: Set<string>;
  bound: string[];
  inlined: Map<number, number>;
  partials: number;
  usesInclude: boolean;
}

function source(input: CompileInput, body: string, analysis: Analysis, shape: Shape): string {
  const { tokens, enclosing } = analysis;
  let out = '';
  let at = 0;
  tokens.forEach((token, i) => {
    let replacement: string | undefined;
    let end = token.end;
    const partial = shape.inlined.get(i);
    if (partial !== undefined) {
      replacement = `__p${partial}(__ctx`;
      end = tokens[i + 2]!.end;
    } else if (token.kind === 'name' && shape.rewritten.has(token.value) && !isProperty(tokens, i)) {
      const previous = tokens[i - 1]?.value;
      const next = tokens[i + 1]?.value;
      const afterKeyStart = previous === '{' || previous === ',';
      if (afterKeyStart && next === ':') return; // an object key or a label
      const shorthand = afterKeyStart && (next === '}' || next === ',') && enclosing[i] === '{';
      replacement = `${shorthand ? `${token.value}: ` : ''}__ctx.${token.value}`;
    }
    if (replacement === undefined || token.start < at) return;
    out += body.slice(at, token.start) + replacement;
    at = end;
  });
  out += body.slice(at);

  const uses = (name: string) => tokens.some((t, i) => t.kind === 'name' && t.value === name && !isProperty(tokens, i));
  const prologue: string[] = [];
  // PocketPages' echo: arguments joined by a space, objects as JSON (never `[object Object]`).
  if (uses('echo')) prologue.push('const echo = (...args) => __append(__echoText(args));');
  if (uses('locals')) {
    prologue.push(input.async ? 'const locals = __ctx;' : 'const locals = __extra === undefined ? __ctx : Object.assign(Object.create(__ctx), __extra);');
  }
  if (shape.usesInclude) prologue.push('const include = (name, extra) => __include(__ctx, name, extra);');
  for (const name of shape.bound) {
    prologue.push(input.async ? `let ${name} = __ctx.${name};` : `let ${name} = __extra !== undefined && ${JSON.stringify(name)} in __extra ? __extra.${name} : __ctx.${name};`);
  }
  const constants = ['const escapeFn = __env.escape, __rethrow = __env.rethrow, __include = __env.include, __echoText = __env.echoText;'];
  for (let i = 0; i < shape.partials; i++) constants.push(`const __p${i} = __env.partials[${i}];`);
  return `"use strict";
${constants.join('\n')}
return ${input.async ? 'async ' : ''}function render(__ctx, __extra) {
  let __line = 1;
  try {
    let __output = "";
    const __append = (s) => { if (s !== undefined && s !== null) __output += s; };
    ${prologue.join('\n    ')}
    {
${out}
    }
    return __output;
  } catch (e) {
    __rethrow(e, __line);
  }
};
//# sourceURL=${input.file.replace(/[\r\n]/g, '')}
`;
}

interface Env {
  escape: (value: unknown) => string;
  echoText: (args: unknown[]) => string;
  rethrow: (error: unknown, line: number) => never;
  include: CompileInput['include'];
  partials: Render[];
}

function instantiate(code: string, env: Env): Render {
  return new Function('__env', code)(env) as Render;
}

function tryBuild(build: () => Render): { render: Render; error?: undefined } | { render?: undefined; error: Error } {
  try {
    return { render: build() };
  } catch (error) {
    if (error instanceof SyntaxError) return { error };
    throw error;
  }
}

function compileError(error: Error, file: string): Error {
  return Object.assign(new SyntaxError(`${error.message} in ${file} while compiling the template`), { cause: error });
}

/** Adds `file:line` and the lines around it to an error's message, once (the innermost template wins). */
function rethrowAt(file: string, text: string): (error: unknown, line: number) => never {
  return (error, line) => {
    if (error instanceof Error && !(located in error) && (error as { status?: unknown }).status === undefined) {
      const lines = text.split('\n');
      const context = lines
        .slice(Math.max(line - 3, 0), Math.min(lines.length, line + 3))
        .map((content, i) => {
          const number = i + Math.max(line - 3, 0) + 1;
          return `${number === line ? ' >> ' : '    '}${number}| ${content}`;
        })
        .join('\n');
      error.message = `${file}:${line}\n${context}\n\n${error.message}`;
      Object.defineProperty(error, located, { value: true });
    }
    throw error;
  };
}
