/**
 * @module pages/modules
 * Loads `+middleware.ts|js` and `+load.ts|js`. TypeScript is transpiled once
 * per file version with esbuild and written next to the source as a hidden
 * `.name.pbpages.mjs` (so its relative imports resolve); the route table never
 * serves hidden files. CommonJS files (`module.exports = function (api) {...}`,
 * as PocketPages writes them) are converted the same way, with a `require`
 * that resolves from the file's folder.
 */
import { statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';

export type PageModule = (ctx: never) => unknown;

/** `module.exports` / `exports.x =` and no ES `import`/`export` statement. */
export const isCommonJs = (source: string) => /\bmodule\.exports\b|\bexports\.[\w$]+\s*=/.test(source) && !/^\s*(import|export)\s/m.test(source);

const loaded = new Map<string, { version: number; fn: PageModule }>();

/** Imports a .js/.mjs/.ts module (TypeScript transpiled by esbuild); a changed file is imported anew. */
export async function importModule(file: string): Promise<{ default?: unknown }> {
  const version = statSync(file).mtimeMs;
  let target = file;
  const source = file.endsWith('.mjs') ? '' : await readFile(file, 'utf8');
  if (file.endsWith('.ts') || isCommonJs(source)) {
    const { code } = await transform(source, {
      loader: file.endsWith('.ts') ? 'ts' : 'js', format: 'esm', sourcefile: file, target: 'node20',
      banner: isCommonJs(source) ? "import { createRequire as __pbpagesRequire } from 'node:module'; const require = __pbpagesRequire(import.meta.url);" : '',
    });
    target = join(dirname(file), `.${basename(file)}.pbpages.mjs`);
    writeFileSync(target, code);
  }
  return (await import(`${pathToFileURL(target).href}?v=${version}`)) as { default?: unknown };
}

export async function loadPageModule(file: string): Promise<PageModule> {
  const version = statSync(file).mtimeMs;
  const cached = loaded.get(file);
  if (cached && cached.version === version) return cached.fn;
  const module = await importModule(file);
  if (typeof module.default !== 'function') throw new Error(`${file} must export a default function (ctx) => ...`);
  const fn = module.default as PageModule;
  loaded.set(file, { version, fn });
  return fn;
}
