/**
 * @module pages/extension
 * The seam between the page engine and features that add to the page context
 * (guest accounts first). The engine calls every extension once per request,
 * before middleware runs; an extension defines properties on the context (plain
 * values or getters, so `auth` can change after `await signInAnonymously()`).
 *
 * Only the parts of the context an extension may rely on are named here; the
 * full `PageContext` type lives with the engine and satisfies this one.
 *
 * This is the public extension API: apps list their own in `pbpages.config.ts`
 * (`extensions: [...]`), where PocketPages apps used plugins.
 *
 * @example
 * // pbpages.config.ts
 * import { defineConfig, type PageExtension } from 'pbpages';
 * const clock: PageExtension = { name: 'clock', extend(ctx) { ctx.now = () => new Date(); } };
 * export default defineConfig({ extensions: [clock] });
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface CookieOptions {
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
}

export interface ExtensionRequest {
  method: string;
  /** Path and query, as received (`/notes?page=2`). */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed `Cookie` header; malformed pairs are skipped, never thrown. */
  cookies(): Record<string, string>;
  /** The peer address of the TCP connection (proxy headers are the extension's business). */
  remoteAddress: string;
  /** True when the request reached us over HTTPS (or a trusted proxy said so). */
  secure: boolean;
}

export interface ExtensionResponse {
  /** Appends a `Set-Cookie` header; never replaces an earlier one. */
  cookie(name: string, value: string, options?: CookieOptions): void;
  /** Sets a response header. */
  header(name: string, value: string): void;
  /**
   * Answers with a redirect to an absolute http(s) URL the extension vouches
   * for (an OAuth2 provider's authorization page). Pages cannot do this:
   * their `redirect()` stays on the site.
   */
  redirectExternal?(url: string): void;
}

export interface ExtensionContext {
  request: ExtensionRequest;
  response: ExtensionResponse;
  /** The page's `redirect(path, { message })` (same-site paths, one-time message). */
  redirect?(path: string, options?: { status?: number; message?: string }): void;
  /** The page context itself: extensions add their properties here. */
  [key: string]: unknown;
}

export interface PageExtension {
  /** Names the extension in errors and logs. */
  readonly name: string;
  /**
   * Runs once per request, after the built-in extensions and before middleware; may define
   * properties on `ctx` (values, functions, or getters). A function that returns a promise is
   * watched: the page answers only once it settles, and a failure nobody awaited is reported
   * with the page and line. Throwing an error with a numeric `status` answers with that status.
   */
  extend(ctx: ExtensionContext): Promise<void> | void;
  /**
   * Paths the extension answers itself (from `extend`, with a redirect) though
   * no page file exists there, such as the OAuth2 callback.
   */
  readonly routes?: readonly string[];
}
