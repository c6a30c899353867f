/**
 * @module server/request-log
 * The structured log: one pino logger per process, JSON lines in production,
 * readable lines (pino-pretty) in development, written asynchronously so a
 * request never waits on the terminal. Each request gets an id (also answered
 * as `X-Request-Id`) and one "request completed" entry.
 *
 * Threat model: request headers are logged for debugging, so the ones that
 * carry a session (`Cookie`, `Authorization`) are redacted before
 * serialisation; the query string is left out because links carry tokens
 * (verification, password reset, OAuth2 codes).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

/** Paths pino replaces with "[Redacted]" in every entry. */
export const redactedPaths = ['req.headers.cookie', 'req.headers.authorization', 'req.headers["proxy-authorization"]'];

/** An id a proxy may hand us: short, and nothing that could forge a log line. */
const forwardedId = /^[\w.:-]{1,128}$/;

/**
 * @example
 * const logger = createLogger({ format: 'json' });            // async to stdout
 * const logger = createLogger({ write: (line) => lines.push(line) }); // tests: every entry, synchronously
 */
export function createLogger(options: { format?: LogFormat; write?: (line: string) => void } = {}): Logger {
  const base = { redact: redactedPaths, base: { pid: process.pid } };
  if (options.write) {
    const write = options.write;
    return pino(base, { write: (entry: string) => write(entry.trimEnd()) });
  }
  if (options.format === 'pretty') {
    // The transport formats in a worker thread, off the request path.
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { ignore: 'pid,hostname,req,res,reqId,responseTime', translateTime: 'SYS:HH:MM:ss', messageFormat: '{msg}' },
      },
    });
  }
  return pino(base, pino.destination({ dest: 1, sync: false }));
}

/** The id of this request: the proxy's `X-Request-Id` when the proxy is trusted and it is well-formed, else a new UUID. */
export function requestId(req: IncomingMessage, trustProxy: boolean): string {
  const given = req.headers['x-request-id'];
  return trustProxy && typeof given === 'string' && forwardedId.test(given) ? given : randomUUID();
}

/** Logs one finished request: method, path (no query), status, duration in ms, headers (redacted). */
export function logRequest(logger: Logger, entry: { id: string; req: IncomingMessage; path: string; status: number; ms: number }): void {
  const { id, req, path, status, ms } = entry;
  const responseTime = Math.round(ms * 10) / 10;
  logger.info(
    {
      reqId: id,
      req: { method: req.method, url: path, headers: req.headers, remoteAddress: req.socket.remoteAddress },
      res: { statusCode: status },
      responseTime,
    },
    `${req.method} ${path} ${status} ${responseTime}ms`,
  );
}
