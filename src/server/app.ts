/**
 * @module server/app
 * The Node HTTP adapter: decodes and checks the path, answers the health
 * probes and the metrics scrape, serves static files, hands pages to the
 * engine, streams what no page claims under `/api/` and `/_/` to the backend,
 * writes the response and one structured log entry. A failing page is an
 * error page, and no page code can end the process (server/crash-guard): the
 * server keeps serving. Closing drains: no new connections, requests in
 * flight finish (up to a timeout).
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
import { healthPaths, probe } from './health.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createLogger, logRequest, requestId, type Logger } from './request-log.js';
import { StaticFiles } from './static-files.js';

export interface AppOptions {
  root: string;
  config: PbpagesConfig;
  dev?: boolean;
  /** Extensions from the runtime (auth); those in `config.extensions` run after them. */
  extensions?: PageExtension[];
  /** Plain log lines (start-up, auth events). Without `logger`, request entries are written here too, as JSON. */
  log?: (line: string) => void;
  /** The structured log for request entries (the CLI's async pino logger). */
  logger?: Logger;
  /** Metrics made by the caller (a cluster worker's gather across processes); else made here when `config.metrics.enabled`. */
  metrics?: Metrics;
  /**
   * The backend: `/readyz` checks it, and `/api/` and `/_/` are proxied to it. Without it `/readyz`
   * answers like `/healthz`, and the proxy goes to `config.pocketbaseUrl` or the embedded backend's port.
   */
  pocketbaseUrl?: string;
  /** Dev mode: extra HTML appended to every page (the live-reload client). */
  inject?: string;
  /** Dev mode: a handler that may answer first (Vite's middlewares); calls `next` when it does not. */
  before?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
}

export interface RunningApp {
  url: string;
  engine: PageEngine;
  /** Stops accepting connections and resolves once requests in flight are answered (or `config.shutdownTimeoutSeconds` passed). */
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
  const logger = options.logger ?? createLogger({ write: log });
  const metrics = options.metrics ?? (config.metrics.enabled ? createMetrics(config.metrics) : undefined);
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
    const id = requestId(req, config.auth.anonymous.trustProxy);
    res.setHeader('X-Request-Id', id);
    const method = (req.method ?? 'GET').toUpperCase();
    // Not `new URL(req.url, base)`: a request path like `//evil/x` would parse as a host.
    const raw = req.url ?? '/';
    const queryAt = raw.indexOf('?');
    const rawPath = queryAt >= 0 ? raw.slice(0, queryAt) : raw;
    const pathname = safePath(rawPath);
    let status: number;
    // Behind a TLS-terminating proxy (trusted only when trustProxy is on), its X-Forwarded-Proto says HTTPS.
    const secure =
      (req.socket as { encrypted?: boolean }).encrypted === true ||
      (config.auth.anonymous.trustProxy && String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https');
    const readable = pathname !== undefined && (method === 'GET' || method === 'HEAD');
    const builtFile = readable && pathname.startsWith(builtPrefix) && built.size > 0 ? builtDir + pathname.slice(builtPrefix.length - 1) : undefined;
    const file = readable ? engine.routes.staticFiles.get(pathname) : undefined;
    if (readable && healthPaths.has(pathname)) {
      status = write(res, await probe(pathname, options.pocketbaseUrl), method === 'HEAD', undefined);
    } else if (readable && metrics && pathname === metrics.path) {
      const { contentType, body } = await metrics.scrape();
      status = write(res, { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, cookies: [], body }, method === 'HEAD', undefined);
    } else if (builtFile && existsSync(builtFile)) {
      status = statics.serve(req, res, builtFile, 'immutable');
    } else if (file) {
      status = statics.serve(req, res, file, queryAt >= 0 ? new URLSearchParams(raw.slice(queryAt + 1)).get('v') : null);
    } else if (pathname && isBackendPath(pathname) && !engine.routes.match(pathname)) {
      status = await proxyToBackend(req, res, backend, secure);
    } else {
      const result = pathname
        ? await engine.render(req, pathname, secure)
        : await engine.error(new HttpError(404, 'No such page.'), []);
      status = write(res, result, method === 'HEAD', options.inject);
    }
    const ms = performance.now() - started;
    logRequest(logger, { id, req, path: rawPath.slice(0, 200), status, ms });
    if (metrics) metrics.observe({ method, route: routeLabel(pathname, file ?? builtFile), status }, ms / 1000);
  }

  /** The route pattern for metrics: a bounded set of values, never the raw path. */
  function routeLabel(pathname: string | undefined, staticFile: string | undefined): string {
    if (pathname === undefined) return '(invalid)';
    if (healthPaths.has(pathname) || pathname === metrics?.path) return pathname;
    if (staticFile) return '(static)';
    return engine.routes.match(pathname)?.route.pattern ?? '(unmatched)';
  }

  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = createServer((req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    const run = () =>
      handle(req, res).catch((error: unknown) => {
        logger.error({ err: error }, 'pbpages: unexpected error');
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
      const closed = new Promise<void>((done) => server.close(() => done()));
      // Keep-alive connections with no request in flight go now; busy ones once their response is written.
      server.closeIdleConnections();
      await new Promise<void>((done) => {
        const timer = setTimeout(done, config.shutdownTimeoutSeconds * 1000);
        drained = () => {
          clearTimeout(timer);
          done();
        };
        if (inFlight === 0) drained();
      });
      server.closeAllConnections();
      await closed;
      metrics?.close();
      uninstallCrashGuard();
    },
  };
}

/** Status line, headers and body go out in one `writeHead` + `end(body)`: one socket write for a page. */
function write(res: ServerResponse, result: RenderResult, head: boolean, inject: string | undefined): number {
  const isHtml = (result.headers['content-type'] ?? '').startsWith('text/html');
  const page = result.body;
  const body = inject && isHtml && typeof page === 'string' ? (/<\/body>/i.test(page) ? page.replace(/<\/body>/i, `${inject}</body>`) : page + inject) : page;
  // Encoded once: the length and the bytes sent come from the same buffer.
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: Record<string, string | string[] | number> = { ...result.headers, 'x-content-type-options': 'nosniff', 'content-length': payload.length };
  if (result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  if (isHtml) headers['x-frame-options'] = 'SAMEORIGIN';
  res.writeHead(result.status, headers);
  res.end(head ? undefined : payload);
  return result.status;
}
