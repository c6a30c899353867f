/**
 * @module pages/resolve-module
 * PocketPages' `resolve(name, { mode })`: a module or file from the nearest
 * `_private/` folder upwards (never outside `pages/`), loaded synchronously —
 * `require` (CommonJS `module.exports`, JSON, or an ES module's namespace),
 * `raw` text, or wrapped in a `<script>` / `<style>` tag.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { findPrivateFile } from './private-files.js';

export type ResolveMode = 'require' | 'raw' | 'script' | 'style';

const requireFile = createRequire(import.meta.url);

export function resolvePrivateModule(pagesDir: string, fromDir: string, name: string, options: { mode?: ResolveMode } = {}): unknown {
  const mode = options.mode ?? 'require';
  const file = findPrivateFile({ kind: 'resolve', pagesDir, fromDir, name, extensions: ['.js', '.cjs', '.json'] });
  switch (mode) {
    case 'require':
      return requireFile(file) as unknown;
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
