/**
 * @module pages/resolve-module
 * PocketPages' `resolve(name, { mode })`: a module or file from the nearest
 * `_private/` folder upwards (never outside `pages/`), loaded synchronously —
 * `require` (CommonJS `module.exports` — even in a `"type": "module"`
 * project, where Node would load a `.js` as ESM — JSON, or an ES module's
 * namespace), loaded once per file version,
 * `raw` text, or wrapped in a `<script>` / `<style>` tag.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { isCommonJs } from './modules.js';
import { findPrivateFile } from './private-files.js';

export type ResolveMode = 'require' | 'raw' | 'script' | 'style';

const requireFile = createRequire(import.meta.url);
const commonJs = new Map<string, { version: number; exports: unknown }>();

/** Evaluates a CommonJS file with its own `module`, `exports` and a `require` from its folder. */
function requireModule(file: string): unknown {
  if (!file.endsWith('.js') && !file.endsWith('.cjs')) return requireFile(file) as unknown;
  const version = statSync(file).mtimeMs;
  const known = commonJs.get(file);
  if (known && known.version === version) return known.exports;
  const source = readFileSync(file, 'utf8');
  if (!isCommonJs(source)) return requireFile(file) as unknown;
  const module = { exports: {} as unknown };
  const evaluate = new Function('module', 'exports', 'require', '__filename', '__dirname', `${source}\n//# sourceURL=${file}`);
  evaluate(module, module.exports, createRequire(file), file, dirname(file));
  commonJs.set(file, { version, exports: module.exports });
  return module.exports;
}

export function resolvePrivateModule(pagesDir: string, fromDir: string, name: string, options: { mode?: ResolveMode } = {}): unknown {
  const mode = options.mode ?? 'require';
  const file = findPrivateFile({ kind: 'resolve', pagesDir, fromDir, name, extensions: ['.js', '.cjs', '.json'] });
  switch (mode) {
    case 'require':
      return requireModule(file);
    case 'raw':
      return readFileSync(file, 'utf8');
    case 'script':
      // A CommonJS file assigns `module.exports`; give it a `module` in the browser so it does not throw.
      return `<script>\nif (typeof module === 'undefined') { var module = { exports: {} }; }\n${readFileSync(file, 'utf8')}\n</script>`;
    case 'style':
      return `<style>\n${readFileSync(file, 'utf8')}\n</style>`;
    default:
      throw new Error(`resolve("${name}"): mode must be 'require', 'raw', 'script' or 'style'.`);
  }
}
