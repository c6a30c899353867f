/**
 * @module pages/extension
 * The seam between the page engine and features that add to the page context
 * (guest accounts first). The engine calls every extension once per request,
 * before middleware runs; an extension defines properties on the context (plain
 * values or getters, so `auth` can change after `await signInAnonymously()`).
 *
 * Only the parts of the context an extension may rely on are named here; the
 * full `PageContext` type lives with the engine and satisfies this one.
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
  readonly name: string;
  /** Runs once per request before middleware; may define properties on `ctx`. */
  extend(ctx: ExtensionContext): Promise<void>;
  /**
   * Paths the extension answers itself (from `extend`, with a redirect) though
   * no page file exists there, such as the OAuth2 callback.
   */
  readonly routes?: readonly string[];
}
