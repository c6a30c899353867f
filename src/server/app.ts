/**
 * @module server/app
 * The Node HTTP adapter: decodes and checks the path, serves static files,
 * hands pages to the engine, streams what no page claims under `/api/` and
 * `/_/` to the backend, writes the response and one log line. A failing page
 * is an error page, and no page code can end the process (server/crash-guard):
 * the server keeps serving.
 *
 * @example
 * const app = await startApp({ root: process.cwd(), config: resolveConfig(), extensions });
 * console.log(app.url);
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PbpagesConfig } from '../config.js';
import { PageEngine, type RenderResult } from '../pages/engine.js';
import type { PageExtension } from '../pages/extension.js';
import { HttpError } from '../pages/http-error.js';
import { isBackendPath, proxyToBackend } from './backend-proxy.js';
import { builtPrefix, clientOutDir, readClientManifest } from './client-build.js';
import { installCrashGuard } from './crash-guard.js';
import { StaticFiles } from './static-files.js';

export interface AppOptions {
  root: string;
  config: PbpagesConfig;
  dev?: boolean;
  /** Extensions from the runtime (auth); those in `config.extensions` run after them. */
  extensions?: PageExtension[];
  /** The backend that `/api/` and `/_/` are proxied to; `config.pocketbaseUrl` or the embedded backend's port by default. */
  pocketbaseUrl?: string;
  log?: (line: string) => void;
  /** Dev mode: extra HTML appended to every page (the live-reload client). */
  inject?: string;
  /** Dev mode: a handler that may answer first (Vite's middlewares); calls `next` when it does not. */
  before?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
}

export interface RunningApp {
  url: string;
  engine: PageEngine;
  close(): Promise<void>;
}

/** Decoded path segments, or undefined when the path tries to escape or is malformed. */
function safePath(rawPath: string): string | undefined {
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '..' || segment === '.' || /[/\\\u0000]/.test(segment)) return undefined;
    if (segment) segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const pagesDir = resolve(options.root, config.pagesDir);
  const statics = new StaticFiles();
  const dev = options.dev ?? false;
  // Built assets (pbpages build) win in production; dev always serves the sources.
  const built = dev ? new Map<string, string>() : readClientManifest(options.root);
  const builtDir = clientOutDir(options.root);
  const engine: PageEngine = new PageEngine({
    pagesDir,
    dev,
    projectDir: resolve(options.root),
    bodyLimit: config.bodyLimit,
    extensions: [...(options.extensions ?? []), ...config.extensions],
    redirectOrigins: config.redirectOrigins,
    log,
    asset: (path) => {
      const source = path.replace(/^\/+/, '');
      const urlPath = `/${source}`;
      return built.get(source) ?? statics.url(urlPath, engine.routes.staticFiles.get(urlPath));
    },
  });

  const backend = new URL(options.pocketbaseUrl ?? config.pocketbaseUrl ?? `http://127.0.0.1:${config.backendPort}`);
  const uninstallCrashGuard = installCrashGuard({ pagesDir, dev, log });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    // Not `new URL(req.url, base)`: a request path like `//evil/x` would parse as a host.
    const raw = req.url ?? '/';
    const queryAt = raw.indexOf('?');
    const rawPath = queryAt >= 0 ? raw.slice(0, queryAt) : raw;
    const query = new URLSearchParams(queryAt >= 0 ? raw.slice(queryAt + 1) : '');
    const pathname = safePath(rawPath);
    let status: number;
    // Behind a TLS-terminating proxy (trusted only when trustProxy is on), its X-Forwarded-Proto says HTTPS.
    const secure =
      (req.socket as { encrypted?: boolean }).encrypted === true ||
      (config.auth.anonymous.trustProxy && String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https');
    const readable = pathname !== undefined && (method === 'GET' || method === 'HEAD');
    const builtFile = readable && pathname.startsWith(builtPrefix) && built.size > 0 ? builtDir + pathname.slice(builtPrefix.length - 1) : undefined;
    const file = readable ? engine.routes.staticFiles.get(pathname) : undefined;
    if (builtFile && existsSync(builtFile)) {
      status = statics.serve(req, res, builtFile, 'immutable');
    } else if (file) {
      status = statics.serve(req, res, file, query.get('v'));
    } else if (pathname && isBackendPath(pathname) && !engine.routes.match(pathname)) {
      status = await proxyToBackend(req, res, backend, secure);
    } else {
      const result = pathname
        ? await engine.render(req, pathname, secure)
        : await engine.error(new HttpError(404, 'No such page.'), []);
      status = write(res, result, method === 'HEAD', options.inject);
    }
    log(`${method} ${rawPath.slice(0, 200)} ${status} ${(performance.now() - started).toFixed(1)}ms`);
  }

  const server = createServer((req, res) => {
    const run = () =>
      handle(req, res).catch((error: unknown) => {
        log(`pbpages: unexpected error: ${(error as Error).stack ?? error}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal error');
      });
    if (options.before) options.before(req, res, () => void run());
    else void run();
  });
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(config.port, config.host, () => done());
    });
  } catch (error) {
    uninstallCrashGuard();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    engine,
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      uninstallCrashGuard();
    },
  };
}

function write(res: ServerResponse, result: RenderResult, head: boolean, inject: string | undefined): number {
  const isHtml = (result.headers['content-type'] ?? '').startsWith('text/html');
  const page = result.body;
  const body = inject && isHtml && typeof page === 'string' ? (/<\/body>/i.test(page) ? page.replace(/<\/body>/i, `${inject}</body>`) : page + inject) : page;
  res.statusCode = result.status;
  for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
  if (result.cookies.length > 0) res.setHeader('Set-Cookie', result.cookies);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (isHtml) res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(head ? undefined : body);
  return result.status;
}
