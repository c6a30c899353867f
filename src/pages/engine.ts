/**
 * @module pages/engine
 * One request through the page engine: route → body → context → extensions →
 * middleware (root to leaf, may answer; a returned object is merged into
 * `data`) → `+load`, then `+get`/`+post`/... → page (`.ejs`, or `.md` through
 * marked) → layouts (innermost first) → response. Everything that can be done
 * once (route table, compiled templates, loaded modules) is done once; a
 * request only matches and renders.
 *
 * Each request has a page scope (pages/page-scope): promises returned
 * by extension functions are awaited before answering, and one that failed
 * without being awaited turns the answer into a 500 naming the page and line.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname, posix, relative, sep } from 'node:path';
import mime from 'mime-types';
import { parseRequestBody } from './body.js';
import { createPageContext, createPageLogs, type PageContext, type PageLogs, type ResponseState } from './context.js';
import { describeError, renderErrorPage } from './error-page.js';
import type { PageExtension } from './extension.js';
import { decodeFlash, flashCookie } from './flash.js';
import { HttpError } from './http-error.js';
import { MarkdownPages } from './markdown.js';
import { loadPageModule, type PageModule } from './modules.js';
import { callLines, unawaitedFailures, watchContextFunctions, type PageScope, type WatchedFailure } from './page-scope.js';
import { queryStrings } from './request-url.js';
import { addRecordHelpers, makeClientCallable } from './record-helpers.js';
import { resolvePrivateModule } from './resolve-module.js';
import { buildRouteTable, type PageRoute, type RouteTable } from './routes.js';
import { splitSlots, TemplateCache } from './templates.js';

export interface EngineOptions {
  pagesDir: string;
  /** The project folder (`response.file()` serves nothing outside it); the pages folder's parent by default. */
  projectDir?: string;
  dev: boolean;
  bodyLimit: number;
  extensions: PageExtension[];
  /** Absolute origins `redirect()` may send visitors to, besides this site's paths. */
  redirectOrigins?: readonly string[];
  /** The URL of a file under the pages root, given its URL path (`/assets/app.css`). */
  asset(path: string): string;
  log(line: string): void;
}

export interface RenderResult {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: string | Buffer;
}

export class PageEngine {
  readonly templates: TemplateCache;
  readonly #markdown = new MarkdownPages();
  readonly #logs: PageLogs;
  /** Per folder, built once: `asset()` relative to it and `resolve()` from it. */
  readonly #folders = new Map<string, { asset(path: string): string; resolve: PageContext['resolve'] }>();
  #routes: RouteTable;
  readonly #options: EngineOptions;
  readonly #extensionRoutes: Set<string>;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#extensionRoutes = new Set(options.extensions.flatMap((e) => e.routes ?? []));
    this.#logs = createPageLogs(options.log, options.dev);
    this.templates = new TemplateCache(options.pagesDir);
    this.#routes = buildRouteTable(options.pagesDir);
  }

  get routes(): RouteTable {
    return this.#routes;
  }

  /** Dev: pages changed on disk. Rebuilds the table first, so a conflict keeps the old one running. */
  reload(): void {
    this.#routes = buildRouteTable(this.#options.pagesDir);
    this.templates.clear();
    this.#markdown.clear();
    this.#folders.clear();
  }

  async render(req: IncomingMessage, pathname: string, secure: boolean): Promise<RenderResult> {
    const match = this.#routes.match(pathname);
    if (!match && this.#extensionRoutes.has(pathname)) return this.#renderExtensionRoute(req, secure);
    if (!match) return this.error(new HttpError(404, `No page at ${pathname}.`), []);
    const state: ResponseState = { status: 200, headers: {}, cookies: [] };
    const scope: PageScope = { root: this.#options.pagesDir, current: match.route.file, pending: [], failures: [] };
    let result: RenderResult;
    try {
      result = await this.#run(req, secure, match.route, match.params, state, scope);
    } catch (error) {
      result = await this.error(error, state.cookies);
    }
    // Unawaited calls finish before the answer: a sign-in's cookie is set, a failure is reported.
    if (scope.pending.length > 0) await Promise.all(scope.pending);
    const unawaited = scope.failures.length > 0 ? unawaitedFailures(scope) : [];
    if (unawaited.length > 0) return this.error(unawaitedError(unawaited[0]!, this.#options.pagesDir), state.cookies);
    return result;
  }

  async #run(req: IncomingMessage, secure: boolean, route: PageRoute, routeParams: Record<string, string>, state: ResponseState, scope: PageScope): Promise<RenderResult> {
    // GET/HEAD have no body: skip that await (a promise and a microtask).
    const body = req.method === 'GET' || req.method === 'HEAD' ? { formData: {}, json: undefined } : await parseRequestBody(req, this.#options.bodyLimit);
    const flashValue = req.headers.cookie?.includes(`${flashCookie}=`) ? readCookie(req.headers.cookie, flashCookie) : undefined;
    const flash = decodeFlash(flashValue);
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    // As PocketPages: query values first, route params on top; the flash message rides on `__flash`.
    const params: Record<string, string | string[]> = queryAt >= 0 ? { ...queryStrings(rawUrl.slice(queryAt + 1)), ...routeParams } : routeParams;
    if (flash !== undefined) params.__flash = flash;
    else if (queryAt >= 0) delete params.__flash;
    const folder = this.#folder(route.dir);
    const ctx: PageContext = createPageContext({
      req, secure, params, formData: body.formData, json: body.json, state, flash,
      projectDir: this.#options.projectDir ?? dirname(this.#options.pagesDir),
      pageDir: route.dir,
      redirectOrigins: this.#options.redirectOrigins ?? [],
      logs: this.#logs,
      asset: folder.asset,
      include: (name, locals) => this.#include(ctx, route.dir, name, locals),
      resolve: folder.resolve,
    });
    if (flashValue !== undefined) ctx.response.cookie(flashCookie, '', { maxAge: 0 });
    if (this.#options.extensions.length > 0) {
      const own = new Set(Object.keys(ctx));
      for (const extension of this.#options.extensions) await extension.extend(ctx);
      watchContextFunctions(ctx, Object.keys(ctx).filter((name) => !own.has(name)), scope);
      // `auth` and `pb` come from an extension (auth): give them PocketPages' shapes.
      addRecordHelpers(ctx);
      makeClientCallable(ctx);
    }
    if (route.middleware.length > 0 && (await this.#runMiddleware(ctx, state, route, scope))) return finish(state, '');
    const loaders = [route.load, route.methodLoaders[ctx.request.method]].filter((file): file is string => file !== undefined);
    for (const loader of loaders) {
      scope.current = loader;
      mergeData(ctx.data, await (await loadPageModule(loader))(ctx as never));
      if (state.redirect || state.body) return finish(state, '');
    }
    scope.current = route.file;
    const html = await this.#renderPage(ctx, route);
    if (state.redirect || state.body || state.file || state.written !== undefined) return finish(state, html);
    const type = state.headers['content-type'];
    // Non-HTML output (a content type set by the page, or JSON) is sent as is, never inside a layout.
    if (type && !type.startsWith('text/html')) return finish(state, html);
    if (looksLikeJson(html)) {
      state.headers['content-type'] = 'application/json; charset=utf-8';
      return finish(state, html.trim());
    }
    return finish(state, await this.#layouts(ctx, route, html, scope));
  }

  async #renderPage(ctx: PageContext, route: PageRoute): Promise<string> {
    if (route.file.endsWith('.md')) for (const [key, value] of Object.entries(this.#markdown.frontmatter(route.file))) ctx.meta(key, value);
    return this.templates.get(route.file, true)(ctx);
  }

  /** A path an extension answers itself: the context and extensions run, and the extension must redirect. */
  async #renderExtensionRoute(req: IncomingMessage, secure: boolean): Promise<RenderResult> {
    const state: ResponseState = { status: 200, headers: {}, cookies: [] };
    try {
      const pagesDir = this.#options.pagesDir;
      const folder = this.#folder(pagesDir);
      const ctx: PageContext = createPageContext({
        req, secure, params: {}, formData: {}, json: undefined, state, flash: undefined,
        projectDir: this.#options.projectDir ?? dirname(pagesDir),
        pageDir: pagesDir,
        redirectOrigins: this.#options.redirectOrigins ?? [],
        logs: this.#logs,
        asset: folder.asset,
        include: (name, locals) => this.#include(ctx, pagesDir, name, locals),
        resolve: folder.resolve,
      });
      for (const extension of this.#options.extensions) await extension.extend(ctx);
      if (state.redirect || state.body) return finish(state, '');
      return this.error(new HttpError(404, 'Nothing here.'), state.cookies);
    } catch (error) {
      return this.error(error, state.cookies);
    }
  }

  async error(error: unknown, cookies: string[]): Promise<RenderResult> {
    const input = describeError(error, this.#options.dev, this.#options.projectDir ?? dirname(this.#options.pagesDir));
    if (input.status >= 500) this.#options.log(`pbpages: page error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const body = await renderErrorPage(this.#options.pagesDir, this.templates, input);
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
    // A rate-limited error (AuthError `rate_limited`) that escapes the page still tells the client when to retry.
    const { retryAfter } = (error ?? {}) as { retryAfter?: unknown };
    if (input.status === 429 && typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
    return { status: input.status, headers, cookies, body };
  }

  /**
   * Runs `+middleware` files root to leaf; true when one of them answered (redirect or body).
   * A returned object is merged into `data`; the PocketPages form `(api, next)` continues with
   * `next(extra?)`, and one that neither calls `next` nor answers stops with an error saying so.
   */
  async #runMiddleware(ctx: PageContext, state: ResponseState, route: PageRoute, scope: PageScope): Promise<boolean> {
    for (const file of route.middleware) {
      scope.current = file;
      const fn = (await loadPageModule(file)) as PageModule & ((ctx: never, next: (extra?: unknown) => void) => unknown);
      if (fn.length >= 2) {
        let called = false;
        await fn(ctx as never, (extra?: unknown) => {
          called = true;
          mergeData(ctx.data, extra);
        });
        if (state.redirect || state.body) return true;
        if (!called) {
          throw new Error(`${relative(this.#options.pagesDir, file)}: a middleware taking (api, next) must call next() or answer (redirect, response.json, ...) before it returns.`);
        }
      } else {
        mergeData(ctx.data, await fn(ctx as never));
        if (state.redirect || state.body) return true;
      }
    }
    return false;
  }

  async #layouts(ctx: PageContext, route: PageRoute, html: string, scope: PageScope): Promise<string> {
    let { slot, slots } = splitSlots(html);
    // The layouts see the page context plus `slot` and `slots`, set on the context itself: a
    // per-request object made the prototype of another costs V8 a map change on every request.
    // `include` in a layout resolves from the layout's folder (compiled in).
    const withSlots = ctx as PageContext & { slot: string; slots: Record<string, string> };
    withSlots.slots = slots;
    for (const layout of route.layouts) {
      withSlots.slot = slot;
      // `asset('x')` in a layout is relative to the layout's folder.
      withSlots.asset = this.#folder(dirname(layout)).asset;
      scope.current = layout;
      slot = await this.templates.get(layout, true)(withSlots);
    }
    return slot;
  }

  /** A run-time include from page code (`ctx.include` in middleware, +load, helpers): the partial sees the page context plus `locals`. */
  #include(ctx: PageContext, fromDir: string, name: string, locals?: Record<string, unknown>): string {
    return this.templates.partial(name, fromDir).render(ctx, locals) as string;
  }

  /** `asset()` for a template in `dir` (`/x` from the pages root, `x` from the folder, as PocketPages) and `resolve()` from it. */
  #folder(dir: string): { asset(path: string): string; resolve: PageContext['resolve'] } {
    let folder = this.#folders.get(dir);
    if (!folder) {
      const { pagesDir } = this.#options;
      const parts = relative(pagesDir, dir).split(sep).filter((p) => p && !/^\(.*\)$/.test(p));
      const base = parts.length > 0 ? `/${parts.join('/')}/` : '/';
      folder = {
        asset: (path) => {
          const text = String(path);
          const joined = text.startsWith('/') ? text : base + text;
          // posix.resolve only when there is something to normalise (`..`, `.`, `//`): it is the slow part.
          return this.#options.asset(/\/\.|\/\//.test(joined) ? posix.resolve('/', joined) : joined);
        },
        resolve: (name, options) => resolvePrivateModule(pagesDir, dir, name, options),
      };
      this.#folders.set(dir, folder);
    }
    return folder;
  }

}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** PocketPages merges what middleware and loaders return into `data`, deeply for plain objects. */
function mergeData(target: Record<string, unknown>, extra: unknown): void {
  if (!isPlainObject(extra)) return;
  for (const [key, value] of Object.entries(extra)) {
    if (key === '__proto__' || key === 'constructor') continue;
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) mergeData(current, value);
    else target[key] = value;
  }
}

function looksLikeJson(html: string): boolean {
  // Checked on every page: look at the first character before copying anything.
  if (!/^\s*[[{]/.test(html)) return false;
  const text = html.trim();
  if (!text.endsWith('}') && !text.endsWith(']')) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The 500 for a context call that failed without `await`: where it was made, and what to write. */
function unawaitedError(failure: WatchedFailure, pagesDir: string): Error {
  const { name, file, error } = failure;
  const lines = callLines(file, name);
  const where = `${relative(dirname(pagesDir), file)}${lines.length > 0 ? `:${lines.join(',')}` : ''}`;
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    `${where}: ${name}() failed and was not awaited (${reason}). pbpages' auth functions return promises: write \`await ${name}(...)\`, inside try/catch to handle the failure.`,
  );
}

function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function finish(state: ResponseState, html: string): RenderResult {
  const headers = { ...state.headers };
  if (state.redirect) {
    headers.location = state.redirect;
    return { status: state.status >= 300 && state.status < 400 ? state.status : 303, headers, cookies: state.cookies, body: '' };
  }
  if (state.body) {
    headers['content-type'] ??= state.body.type;
    return { status: state.status, headers, cookies: state.cookies, body: state.body.content };
  }
  if (state.file) {
    headers['content-type'] ??= mime.contentType(state.file.split(sep).pop() ?? '') || 'application/octet-stream';
    return { status: state.status, headers, cookies: state.cookies, body: readFileSync(state.file) };
  }
  headers['content-type'] ??= 'text/html; charset=utf-8';
  return { status: state.status, headers, cookies: state.cookies, body: (state.written ?? '') + html };
}
