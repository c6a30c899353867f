/**
 * @module pages/private-files
 * Finds a file for `include()` and `resolve()` the way PocketPages does —
 * `_private/name` in the template's folder, then each parent up to the pages
 * root; `/name` from the pages root — and never outside the pages folder.
 *
 * Threat model: a page may pass user input to `include(name)` or
 * `resolve(name)`. Whatever the name (`..`, an absolute host path, a
 * URL-encoded `%2e%2e%2f`, a NUL, a symlink pointing out), the file read is
 * inside the pages folder or nothing is read.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { HttpError } from './http-error.js';

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' ? false : !rel.startsWith('..') && !isAbsolute(rel);
};

/** Refuses names that could only be an attempt to leave the pages folder. */
function assertSafeName(kind: string, name: string): void {
  if (typeof name !== 'string') throw new HttpError(400, `${kind}: the name must be a string.`);
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // Not URL-encoded: the name is used as is.
  }
  const suspicious = [name, decoded].some((n) => /[\u0000\\]/.test(n) || /^[a-z]:/i.test(n) || (n !== name && /(^|\/)\.\.(\/|$)|^\//.test(n)));
  if (name === '' || suspicious) {
    throw new HttpError(400, `${kind}: refused a name that could leave the pages folder.`);
  }
}

export interface FindOptions {
  /** `include` or `resolve`, for messages. */
  kind: string;
  pagesDir: string;
  fromDir: string;
  name: string;
  /** Extensions tried after the exact name when it has none (`['.ejs']`). */
  extensions: string[];
}

/** The absolute path of the file, or an error naming the (relative) paths tried. */
export function findPrivateFile(options: FindOptions): string {
  const { kind, pagesDir, fromDir, name, extensions } = options;
  assertSafeName(`${kind}()`, name);
  const candidates: string[] = [];
  if (name.startsWith('/')) {
    candidates.push(resolve(pagesDir, `.${name}`));
  } else {
    for (let dir = fromDir; ; dir = resolve(dir, '..')) {
      candidates.push(resolve(dir, '_private', name));
      if (dir === pagesDir || !inside(pagesDir, dir)) break;
    }
  }
  const realRoot = realpathSync(pagesDir);
  const tried: string[] = [];
  for (const base of candidates) {
    if (!inside(pagesDir, base)) {
      throw new HttpError(400, `${kind}(): refused a name that leads outside the pages folder.`);
    }
    for (const file of [base, ...(extname(name) ? [] : extensions.map((ext) => base + ext))]) {
      tried.push(relative(pagesDir, file).split(sep).join('/'));
      if (!existsSync(file) || !statSync(file).isFile()) continue;
      // A symlink inside pages/ may point anywhere: judge the real file.
      if (!inside(realRoot, realpathSync(file))) {
        throw new HttpError(400, `${kind}(): refused a name that leads outside the pages folder.`);
      }
      return file;
    }
  }
  throw new Error(`${kind}("${name}"): ${kind === 'include' ? 'partial' : 'module'} not found. Tried: ${tried.join(', ')}`);
}

