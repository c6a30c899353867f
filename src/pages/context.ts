/**
 * @module pages/context
 * One page context per request, from a factory. It is the EJS locals object and
 * the argument of `+middleware`/`+load`. Extensions (auth) add properties to it;
 * apps add their own types by augmenting `PageContextVariables`.
 *
 * Names and argument orders follow PocketPages where they exist there
 * (`request.header()`, `response.json(200, data)`, `formData()`, `resolve`,
 * `url`, `stringify`, `store`, `dbg`...), so its pages run unchanged.
 *
 * @example
 * declare module 'pbpages' { interface PageContextVariables { user: { name: string } } }
 */
import { realpathSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { isAbsolute, relative, resolve as resolvePath } from 'node:path';
import { serialize, parse } from 'cookie';
import type { CookieOptions, ExtensionContext } from './extension.js';
import { encodeFlash, flashCookie, flashSeconds } from './flash.js';
import { callableFields, type CallableFormFields, type FormFields } from './form-fields.js';
import { HttpError } from './http-error.js';
import { parseUrl, type ParsedUrl } from './request-url.js';
import { stringify } from './stringify.js';

/** Augment this interface to type what your middleware or extensions add. */
export interface PageContextVariables {}

export interface ResponseState {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  redirect?: string;
  /** Set by `response.json()` / `response.html()`: sent as is, without layouts. */
  body?: { type: string; content: string };
  /** Set by `response.file()`: the absolute path of the file to send. */
  file?: string;
  /** What `response.write()` wrote: sent before the page's output, without layouts. */
  written?: string;
}

/** `request.url`: the path and query as a string, with PocketPages' parsed parts (`pathname`, `query`, ...). */
export type RequestUrl = string & Omit<ParsedUrl, keyof string>;

export interface PageRequest {
  method: string;
  url: RequestUrl;
  headers: IncomingMessage['headers'];
  /** A request header's value, '' when absent (PocketPages). */
  header(name: string): string;
  /** All cookies as raw strings; with a name, that cookie's value, JSON-parsed when it parses (PocketPages). */
  cookies(): Record<string, string>;
  cookies<T = unknown>(name: string): T | undefined;
  body(): unknown;
  formData(): FormFields;
  remoteAddress: string;
  secure: boolean;
  [extra: string]: unknown;
}

export interface PageResponse {
  status(code: number): void;
  /** Sets a header; with one argument, reads it back ('' when unset). */
  header(name: string, value?: string): string;
  /** Appends a Set-Cookie (HttpOnly, SameSite=Lax by default); objects are stored as JSON. Returns the header line. */
  cookie(name: string, value: unknown, options?: CookieOptions): string;
  redirect(path: string, status?: number): void;
  /** `json(data, status?)` or PocketPages' `json(status, data)`. */
  json(dataOrStatus: unknown, statusOrData?: unknown): void;
  /** `html(content, status?)` or PocketPages' `html(status, content)`. */
  html(contentOrStatus: unknown, statusOrContent?: unknown): void;
  /** Sends a file (inside the project folder) instead of the page. */
  file(path: string): void;
  /** Writes text to the response body; the page is then sent without layouts. */
  write(text: string): void;
  /** A redirect off the site, for extensions that vouch for the URL (OAuth2 providers). */
  redirectExternal(url: string, status?: number): void;
}

export type LogFunction = (...args: unknown[]) => void;

export interface PageContext extends PageContextVariables, ExtensionContext {
  request: PageRequest;
  response: PageResponse;
  /** Query values, then route params on top (route params win); `__flash` is the flash message. */
  params: Record<string, string | string[]>;
  /** The form fields, readable as `formData.email` and callable as `formData().email`. */
  formData: CallableFormFields;
  body(): unknown;
  redirect(path: string, options?: { status?: number; message?: string }): void;
  flash: string | undefined;
  meta(key: string, value?: unknown): unknown;
  /** An environment variable, '' when unset (PocketPages). */
  env(name: string): string;
  asset(path: string): string;
  include(name: string, locals?: Record<string, unknown>): string;
  resolve(name: string, options?: { mode?: 'require' | 'raw' | 'script' | 'style' }): unknown;
  url(text: string): ParsedUrl;
  stringify(value: unknown, replacer?: null, space?: string | number): string;
  store(name: string, value?: unknown): unknown;
  dbg: LogFunction;
  info: LogFunction;
  warn: LogFunction;
  error: LogFunction;
  data: Record<string, unknown>;
}

/**
 * Context names the engine always sets and that keep their value while a template runs (no
 * getters): the template compiler reads them once into local variables. Anything an extension
 * or middleware adds (`auth`, `pb`, …) is read from the context at each use instead.
 */
export const plainContextNames: readonly string[] = [
  'request', 'response', 'params', 'formData', 'body', 'redirect', 'flash', 'meta', 'env', 'asset', 'data', 'slot', 'slots',
  'resolve', 'url', 'stringify', 'store', 'dbg', 'info', 'warn', 'error',
];

/**
 * Only same-origin paths, or absolute URLs whose origin is listed in `redirectOrigins`: refuses
 * `//host`, `/\host`, other schemes and control characters (open redirects).
 */
export function assertSafeRedirect(path: string, allowedOrigins: readonly string[] = []): void {
  if (typeof path === 'string' && allowedOrigins.length > 0 && /^https?:\/\//i.test(path) && !/[\\\u0000-\u001f\u007f]/.test(path)) {
    try {
      if (allowedOrigins.includes(new URL(path).origin)) return;
    } catch {
      // Not a URL: refused below.
    }
  }
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(path)) {
    throw new HttpError(400, 'redirect() goes only to paths on this site (like "/notes"), or to origins listed in `redirectOrigins`.');
  }
}

/** The process-wide store of `store()` (PocketPages keeps it for the life of the server). */
const globalStore = new Map<string, unknown>();

/** PocketPages' `store(name)` reads, `store(name, value)` writes. */
function store(name: string, ...value: unknown[]): unknown {
  if (value.length > 0 && value[0] !== undefined) globalStore.set(name, value[0]);
  return globalStore.get(name);
}

export interface PageLogs {
  dbg: LogFunction;
  info: LogFunction;
  warn: LogFunction;
  error: LogFunction;
}

/** `dbg`/`info`/`warn`/`error`, made once per engine: `dbg` logs only in dev. */
export function createPageLogs(log: (line: string) => void, dev: boolean): PageLogs {
  const at = (level: string): LogFunction => (...args) =>
    log(`[${level}] ${args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? (arg.stack ?? arg.message) : stringify(arg))).join(' ')}`);
  return { dbg: dev ? at('debug') : () => {}, info: at('info'), warn: at('warn'), error: at('error') };
}

export interface ContextInput {
  req: IncomingMessage;
  secure: boolean;
  params: Record<string, string | string[]>;
  formData: FormFields;
  json: unknown;
  flash: string | undefined;
  state: ResponseState;
  /** The project folder: `response.file()` serves nothing outside it. */
  projectDir: string;
  /** The page's folder: relative `response.file()` paths start there. */
  pageDir: string;
  redirectOrigins: readonly string[];
  logs: PageLogs;
  asset(path: string): string;
  include(name: string, locals?: Record<string, unknown>): string;
  resolve(name: string, options?: { mode?: 'require' | 'raw' | 'script' | 'style' }): unknown;
}

const isStatus = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;

function jsonOrString(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function createPageContext(input: ContextInput): PageContext {
  const { req, state } = input;
  const metaValues = new Map<string, unknown>();
  let cookies: Record<string, string> | undefined;

  const cookie = (name: string, value: unknown, options: CookieOptions = {}) => {
    const text = typeof value === 'string' ? value : stringify(value);
    const line = serialize(name, text, { path: '/', httpOnly: true, sameSite: 'lax', secure: input.secure, ...options });
    if (line.length > 4096) throw new Error(`Cookie "${name}" is over 4096 bytes; browsers would drop it.`);
    state.cookies.push(line);
    return line;
  };
  const readCookies = () => (cookies ??= safeParseCookies(req.headers.cookie));

  const request: PageRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    // A string whose parts are parsed on first read (see request-url). No getter here: an object
    // literal with accessors is built on V8's slow path, which tripled the cost of a page.
    url: parseUrl(req.url ?? '/') as unknown as RequestUrl,
    headers: req.headers,
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : (value ?? '');
    },
    cookies: ((name?: string) => (name === undefined ? readCookies() : jsonOrString(readCookies()[name]))) as PageRequest['cookies'],
    body: () => input.json,
    formData: () => input.formData,
    remoteAddress: req.socket.remoteAddress ?? '',
    secure: input.secure,
  };

  const send = (type: string, a: unknown, b: unknown, method: string) => {
    // PocketPages writes `json(200, data)`; pbpages wrote `json(data, 200)`. A status first, with a second argument, is the former.
    const [status, content] = isStatus(a) && b !== undefined ? [a, b] : [b, a];
    if (status !== undefined && !isStatus(status)) throw new Error(`response.${method}(): the status must be an HTTP status code (100-599).`);
    state.body = { type, content: method === 'json' ? JSON.stringify(content) : String(content) };
    if (status !== undefined) state.status = status;
  };

  const response: PageResponse = {
    status: (code) => void (state.status = code),
    header: (name, value) => {
      if (value === undefined) return state.headers[name.toLowerCase()] ?? '';
      state.headers[name.toLowerCase()] = value;
      return value;
    },
    cookie,
    redirect: (path, status = 303) => {
      assertSafeRedirect(path, input.redirectOrigins);
      state.redirect = path;
      state.status = status;
    },
    redirectExternal: (url, status = 303) => {
      if (!/^https?:\/\/[^\s]+$/i.test(url)) throw new HttpError(500, 'redirectExternal() needs an absolute http(s) URL.');
      state.redirect = url;
      state.status = status;
    },
    json: (a, b) => send('application/json; charset=utf-8', a, b, 'json'),
    html: (a, b) => send('text/html; charset=utf-8', a, b, 'html'),
    file: (path) => {
      const file = resolvePath(input.pageDir, path);
      const real = (() => {
        try {
          return realpathSync(file);
        } catch {
          throw new HttpError(404, 'response.file(): no such file.');
        }
      })();
      const rel = relative(realpathSync(input.projectDir), real);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new Error('response.file() sends files inside the project folder only.');
      state.file = real;
    },
    write: (text) => void (state.written = (state.written ?? '') + String(text)),
  };


  return {
    request,
    response,
    params: input.params,
    // Shared and free when the form is empty (every GET); no getter, as for `request.url`.
    formData: callableFields(input.formData),
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
    env: (name) => process.env[name] ?? '',
    asset: input.asset,
    include: input.include,
    resolve: input.resolve,
    url: parseUrl,
    stringify,
    store,
    dbg: input.logs.dbg,
    info: input.logs.info,
    warn: input.logs.warn,
    error: input.logs.error,
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
