/**
 * @module pages/context
 * One page context per request, from a factory. It is the EJS locals object and
 * the argument of `+middleware`/`+load`. Extensions (auth) add properties to it;
 * apps add their own types by augmenting `PageContextVariables`.
 *
 * @example
 * declare module 'pbpages' { interface PageContextVariables { user: { name: string } } }
 */
import type { IncomingMessage } from 'node:http';
import { serialize, parse } from 'cookie';
import type { CookieOptions, ExtensionContext } from './extension.js';
import { encodeFlash, flashCookie, flashSeconds } from './flash.js';
import { HttpError } from './http-error.js';

/** Augment this interface to type what your middleware or extensions add. */
export interface PageContextVariables {}

export interface ResponseState {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  redirect?: string;
  /** Set by `response.json()` / `response.html()`: sent as is, without layouts. */
  body?: { type: string; content: string };
}

export interface PageRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  cookies(): Record<string, string>;
  remoteAddress: string;
  secure: boolean;
  [extra: string]: unknown;
}

export interface PageResponse {
  status(code: number): void;
  header(name: string, value: string): void;
  cookie(name: string, value: string, options?: CookieOptions): void;
  redirect(path: string, status?: number): void;
  json(data: unknown, status?: number): void;
  html(content: string, status?: number): void;
  /** A redirect off the site, for extensions that vouch for the URL (OAuth2 providers). */
  redirectExternal(url: string, status?: number): void;
}

export interface PageContext extends PageContextVariables, ExtensionContext {
  request: PageRequest;
  response: PageResponse;
  params: Record<string, string>;
  formData: Record<string, string | string[]>;
  body(): unknown;
  redirect(path: string, options?: { status?: number; message?: string }): void;
  flash: string | undefined;
  meta(key: string, value?: unknown): unknown;
  env(name: string): string | undefined;
  asset(path: string): string;
  include(name: string, locals?: Record<string, unknown>): string;
  data: Record<string, unknown>;
}

/**
 * Context names the engine always sets and that keep their value while a template runs (no
 * getters): the template compiler reads them once into local variables. Anything an extension
 * or middleware adds (`auth`, `pb`, …) is read from the context at each use instead.
 */
export const plainContextNames: readonly string[] = [
  'request', 'response', 'params', 'formData', 'body', 'redirect', 'flash', 'meta', 'env', 'asset', 'data', 'slot', 'slots',
];

/** Only same-origin paths: refuses `//host`, `/\host`, schemes and control characters (open redirects). */
export function assertSafeRedirect(path: string): void {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(path)) {
    throw new HttpError(400, 'redirect() goes only to paths on this site (like "/notes").');
  }
}

export interface ContextInput {
  req: IncomingMessage;
  secure: boolean;
  params: Record<string, string>;
  formData: Record<string, string | string[]>;
  json: unknown;
  flash: string | undefined;
  state: ResponseState;
  asset(path: string): string;
  include(name: string, locals?: Record<string, unknown>): string;
}

export function createPageContext(input: ContextInput): PageContext {
  const { req, state } = input;
  const metaValues = new Map<string, unknown>();
  let cookies: Record<string, string> | undefined;

  const cookie = (name: string, value: string, options: CookieOptions = {}) => {
    const line = serialize(name, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: input.secure, ...options });
    if (line.length > 4096) throw new Error(`Cookie "${name}" is over 4096 bytes; browsers would drop it.`);
    state.cookies.push(line);
  };

  const request: PageRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    url: req.url ?? '/',
    headers: req.headers,
    cookies: () => (cookies ??= safeParseCookies(req.headers.cookie)),
    remoteAddress: req.socket.remoteAddress ?? '',
    secure: input.secure,
  };

  const response: PageResponse = {
    status: (code) => void (state.status = code),
    header: (name, value) => void (state.headers[name.toLowerCase()] = value),
    cookie,
    redirect: (path, status = 303) => {
      assertSafeRedirect(path);
      state.redirect = path;
      state.status = status;
    },
    redirectExternal: (url, status = 303) => {
      if (!/^https?:\/\/[^\s]+$/i.test(url)) throw new HttpError(500, 'redirectExternal() needs an absolute http(s) URL.');
      state.redirect = url;
      state.status = status;
    },
    json: (data, status) => {
      state.body = { type: 'application/json; charset=utf-8', content: JSON.stringify(data) };
      if (status) state.status = status;
    },
    html: (content, status) => {
      state.body = { type: 'text/html; charset=utf-8', content };
      if (status) state.status = status;
    },
  };

  return {
    request,
    response,
    params: input.params,
    formData: input.formData,
    body: () => input.json,
    redirect(path, options = {}) {
      response.redirect(path, options.status ?? 303);
      if (options.message) cookie(flashCookie, encodeFlash(options.message), { maxAge: flashSeconds });
    },
    flash: input.flash,
    meta(key, ...value) {
      if (value.length > 0) metaValues.set(key, value[0]);
      return metaValues.get(key);
    },
    env: (name) => process.env[name],
    asset: input.asset,
    include: input.include,
    data: {},
  };
}

function safeParseCookies(header: string | undefined): Record<string, string> {
  if (!header) return {};
  try {
    return parse(header) as Record<string, string>;
  } catch {
    return {};
  }
}
