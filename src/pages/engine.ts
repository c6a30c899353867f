/**
 * @module pages/engine
 * One request through the page engine: route → body → context → extensions →
 * middleware (root to leaf, may answer) → +load → page → layouts (innermost
 * first) → response. Everything that can be done once (route table, compiled
 * templates, loaded modules) is done once; a request only matches and renders.
 */
import type { IncomingMessage } from 'node:http';
import { parseRequestBody } from './body.js';
import { createPageContext, type PageContext, type ResponseState } from './context.js';
import { describeError, renderErrorPage } from './error-page.js';
import type { PageExtension } from './extension.js';
import { decodeFlash, flashCookie } from './flash.js';
import { HttpError } from './http-error.js';
import { loadPageModule } from './modules.js';
import { buildRouteTable, type PageRoute, type RouteTable } from './routes.js';
import { splitSlots, TemplateCache } from './templates.js';

export interface EngineOptions {
  pagesDir: string;
  dev: boolean;
  bodyLimit: number;
  extensions: PageExtension[];
  asset(path: string): string;
  log(line: string): void;
}

export interface RenderResult {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: string;
}

export class PageEngine {
  readonly templates: TemplateCache;
  #routes: RouteTable;
  readonly #options: EngineOptions;
  readonly #extensionRoutes: Set<string>;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#extensionRoutes = new Set(options.extensions.flatMap((e) => e.routes ?? []));
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
  }

  async render(req: IncomingMessage, pathname: string, secure: boolean): Promise<RenderResult> {
    const match = this.#routes.match(pathname);
    if (!match && this.#extensionRoutes.has(pathname)) return this.#renderExtensionRoute(req, secure);
    if (!match) return this.error(new HttpError(404, `No page at ${pathname}.`), []);
    const state: ResponseState = { status: 200, headers: {}, cookies: [] };
    try {
      // GET/HEAD have no body and most routes no middleware: skip those awaits (a promise and a microtask each).
      const body = req.method === 'GET' || req.method === 'HEAD' ? { formData: {}, json: undefined } : await parseRequestBody(req, this.#options.bodyLimit);
      const flashValue = req.headers.cookie?.includes(`${flashCookie}=`) ? readCookie(req.headers.cookie, flashCookie) : undefined;
      const ctx = createPageContext({
        req, secure, params: match.params, formData: body.formData, json: body.json, state,
        flash: decodeFlash(flashValue),
        asset: this.#options.asset,
        include: (name, locals) => this.#include(ctx, match.route.dir, name, locals),
      });
      if (flashValue !== undefined) ctx.response.cookie(flashCookie, '', { maxAge: 0 });
      for (const extension of this.#options.extensions) await extension.extend(ctx);
      if (match.route.middleware.length > 0 && (await this.#runMiddleware(ctx, state, match.route))) return finish(state, '');
      if (match.route.load) Object.assign(ctx.data, await (await loadPageModule(match.route.load))(ctx as never));
      const html = await this.templates.get(match.route.file, true)(ctx);
      if (state.redirect || state.body) return finish(state, '');
      return finish(state, await this.#layouts(ctx, match.route, html));
    } catch (error) {
      return this.error(error, state.cookies);
    }
  }

  /** A path an extension answers itself: the context and extensions run, and the extension must redirect. */
  async #renderExtensionRoute(req: IncomingMessage, secure: boolean): Promise<RenderResult> {
    const state: ResponseState = { status: 200, headers: {}, cookies: [] };
    try {
      const ctx = createPageContext({
        req, secure, params: {}, formData: {}, json: undefined, state, flash: undefined,
        asset: this.#options.asset,
        include: (name, locals) => this.#include(ctx, this.#options.pagesDir, name, locals),
      });
      for (const extension of this.#options.extensions) await extension.extend(ctx);
      if (state.redirect || state.body) return finish(state, '');
      return this.error(new HttpError(404, 'Nothing here.'), state.cookies);
    } catch (error) {
      return this.error(error, state.cookies);
    }
  }

  async error(error: unknown, cookies: string[]): Promise<RenderResult> {
    const input = describeError(error, this.#options.dev);
    if (input.status >= 500) this.#options.log(`pbpages: page error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const body = await renderErrorPage(this.#options.pagesDir, this.templates, input);
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
    // A rate-limited error (AuthError `rate_limited`) that escapes the page still tells the client when to retry.
    const { retryAfter } = (error ?? {}) as { retryAfter?: unknown };
    if (input.status === 429 && typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
    return { status: input.status, headers, cookies, body };
  }

  /** Runs `+middleware` files root to leaf; true when one of them answered (redirect or body). */
  async #runMiddleware(ctx: PageContext, state: ResponseState, route: PageRoute): Promise<boolean> {
    for (const file of route.middleware) {
      await (await loadPageModule(file))(ctx as never);
      if (state.redirect || state.body) return true;
    }
    return false;
  }

  async #layouts(ctx: PageContext, route: PageRoute, html: string): Promise<string> {
    let { slot, slots } = splitSlots(html);
    // The layouts see the page context plus `slot` and `slots`, set on the context itself: a
    // per-request object made the prototype of another costs V8 a map change on every request.
    // `include` in a layout resolves from the layout's folder (compiled in).
    const withSlots = ctx as PageContext & { slot: string; slots: Record<string, string> };
    withSlots.slots = slots;
    for (const layout of route.layouts) {
      withSlots.slot = slot;
      slot = await this.templates.get(layout, true)(withSlots);
    }
    return slot;
  }

  /** A run-time include from page code (`ctx.include` in middleware, +load, helpers): the partial sees the page context plus `locals`. */
  #include(ctx: PageContext, fromDir: string, name: string, locals?: Record<string, unknown>): string {
    return this.templates.partial(name, fromDir).render(ctx, locals) as string;
  }
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
  headers['content-type'] ??= 'text/html; charset=utf-8';
  return { status: state.status, headers, cookies: state.cookies, body: html };
}
