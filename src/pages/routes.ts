/**
 * @module pages/routes
 * Scans `pages/` once into a route table (rebuilt on change in dev): a segment
 * trie, so matching costs the same with 10 routes or 1,000. Literal segments
 * beat `[params]`; a URL matches only a route with as many segments; two files
 * claiming one route are a start-up error naming both. Pages are `.ejs` and
 * `.md` files; names starting with `_`, `+`, `-` or `.` are never routed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export interface PageRoute {
  /** Absolute path of the .ejs file. */
  file: string;
  /** Folder of the file (where +load and the innermost +layout live). */
  dir: string;
  pattern: string;
  /** `+middleware` files from the root folder down to the page's folder. */
  middleware: string[];
  /** The page folder's `+load` file, if any. */
  load: string | undefined;
  /** The page folder's method loaders (`+get.js`, `+post.ts`, ...) by upper-case method; they run after `+load`. */
  methodLoaders: Record<string, string>;
  /** `+layout.ejs` files from the page's folder up to the root. */
  layouts: string[];
}

/** `+name.ts`, `.js` or `.mjs` in `dir`, if any. */
export function findSpecial(dir: string, name: string): string | undefined {
  for (const ext of ['.ts', '.js', '.mjs']) {
    const file = join(dir, `${name}${ext}`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Folders from the page's folder up to the pages root, innermost first. */
function foldersUp(pagesDir: string, dir: string): string[] {
  const out: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    out.push(current);
    if (current === pagesDir || !current.startsWith(pagesDir)) return out;
  }
}

interface Node {
  literal: Map<string, Node>;
  param?: { name: string; node: Node };
  route?: PageRoute;
}

const newNode = (): Node => ({ literal: new Map() });

export interface RouteTable {
  match(pathname: string): { route: PageRoute; params: Record<string, string> } | undefined;
  /** URL path → absolute file, for static files. */
  staticFiles: Map<string, string>;
  routes: PageRoute[];
}

/** Files and folders pbpages never routes nor serves: private, special, hidden (`-name` as in PocketPages). */
const isHidden = (name: string) => /^[_+.-]/.test(name);

/** Page files; everything else that is not hidden is a static file. */
export const isPageFile = (name: string) => name.endsWith('.ejs') || name.endsWith('.md');

const loaderMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!isHidden(name)) walk(path, out);
    } else {
      out.push(path);
    }
  }
}

/** URL segments of a file: `(group)` folders dropped, `index.ejs` is its folder. */
function segmentsOf(pagesDir: string, file: string): string[] {
  const parts = relative(pagesDir, file).split(sep).filter((p) => !/^\(.*\)$/.test(p));
  const last = parts.pop()!;
  const page = isPageFile(last);
  const base = page ? last.slice(0, last.lastIndexOf('.')) : last;
  return page && base === 'index' ? parts : [...parts, base];
}

/** PocketPages' `+config.js` would be silently ignored; stop instead, saying where its settings go. */
function refusePocketPagesConfig(pagesDir: string): void {
  for (const name of ['+config.js', '+config.ts', '+config.mjs']) {
    if (existsSync(join(pagesDir, name))) {
      throw new Error(
        `pbpages: pages/${name} is PocketPages' configuration, which pbpages does not read. ` +
          'Move its settings to pbpages.config.ts in the project root (plugins become `extensions: [...]`, ' +
          'see "Coming from PocketPages" in the README) and delete the file.',
      );
    }
  }
}

export function buildRouteTable(pagesDir: string): RouteTable {
  refusePocketPagesConfig(pagesDir);
  const files: string[] = [];
  walk(pagesDir, files);
  const root = newNode();
  const routes: PageRoute[] = [];
  const staticFiles = new Map<string, string>();
  for (const file of files) {
    const name = file.split(sep).pop()!;
    if (isHidden(name)) continue;
    const segments = segmentsOf(pagesDir, file);
    if (!isPageFile(name)) {
      staticFiles.set(`/${segments.join('/')}`, file);
      continue;
    }
    let node = root;
    for (const segment of segments) {
      const param = /^\[([^\]/]+)\]$/.exec(segment);
      if (param) {
        if (node.param && node.param.name !== param[1]) {
          throw new Error(`pbpages: route conflict: "[${node.param.name}]" and "[${param[1]}]" at the same place (in ${relative(pagesDir, file)}).`);
        }
        node.param ??= { name: param[1]!, node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literal.get(segment);
        if (!next) node.literal.set(segment, (next = newNode()));
        node = next;
      }
    }
    const dir = file.slice(0, file.length - name.length - 1);
    const up = foldersUp(pagesDir, dir);
    const route: PageRoute = {
      file,
      dir,
      pattern: `/${segments.join('/')}`,
      middleware: [...up].reverse().map((d) => findSpecial(d, '+middleware')).filter((f): f is string => f !== undefined),
      load: findSpecial(dir, '+load'),
      methodLoaders: Object.fromEntries(
        loaderMethods.flatMap((method) => {
          const loader = findSpecial(dir, `+${method.toLowerCase()}`);
          return loader ? [[method, loader]] : [];
        }),
      ),
      layouts: up.map((d) => join(d, '+layout.ejs')).filter((f) => existsSync(f)),
    };
    if (node.route) {
      throw new Error(`pbpages: route conflict: ${relative(pagesDir, node.route.file)} and ${relative(pagesDir, file)} both serve ${route.pattern}.`);
    }
    node.route = route;
    routes.push(route);
  }

  function find(node: Node, segments: string[], i: number, params: Record<string, string>): PageRoute | undefined {
    if (i === segments.length) return node.route;
    const literal = node.literal.get(segments[i]!);
    const viaLiteral = literal && find(literal, segments, i + 1, params);
    if (viaLiteral) return viaLiteral;
    if (node.param) {
      const found = find(node.param.node, segments, i + 1, params);
      if (found) {
        params[node.param.name] = segments[i]!;
        return found;
      }
    }
    return undefined;
  }

  return {
    routes,
    staticFiles,
    match(pathname) {
      const segments = pathname.split('/').filter(Boolean);
      const params: Record<string, string> = {};
      const route = find(root, segments, 0, params);
      return route ? { route, params } : undefined;
    },
  };
}
