/**
 * @module server/backend-proxy
 * Same origin as PocketBase: requests under `/api/` and `/_/` that no page or
 * static file claims are streamed to the backend with node:http, so the admin
 * UI, realtime (SSE) and file downloads work on the app's own origin and a
 * browser-side SDK can point at it. Nothing is buffered: bodies are piped both
 * ways as they arrive. Hop-by-hop headers (RFC 9110 §7.6.1) are dropped in
 * both directions; `X-Forwarded-*` tell the backend who asked.
 *
 * The page server's CSRF check, body limit and sign-in limits belong to pages;
 * they do not apply here, PocketBase applies its own rules to its own API.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

const hopByHop = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

/** Paths the backend owns when no page claims them. */
export function isBackendPath(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname === '/_' || pathname.startsWith('/_/');
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  // Headers named in `Connection` are hop-by-hop too.
  const named = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim()).filter(Boolean));
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || hopByHop.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Streams `req` to `backend` and the answer back; resolves with the status once the answer has started.
 * @example
 * if (isBackendPath(pathname)) status = await proxyToBackend(req, res, new URL('http://127.0.0.1:8090'), false);
 */
export function proxyToBackend(req: IncomingMessage, res: ServerResponse, backend: URL, secure: boolean): Promise<number> {
  return new Promise((resolve) => {
    const headers = forwardable(req.headers);
    const client = req.socket.remoteAddress ?? '';
    const prior = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = prior ? `${String(prior)}, ${client}` : client;
    headers['x-forwarded-proto'] = secure ? 'https' : 'http';
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
    headers.host = backend.host;
    const send = backend.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(
      { protocol: backend.protocol, hostname: backend.hostname, port: backend.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
        // Realtime is a long-lived event stream: send each event as it comes.
        res.flushHeaders();
        answer.pipe(res);
        resolve(answer.statusCode ?? 502);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) {
        const body = JSON.stringify({ status: 502, message: 'The backend is unreachable.', data: {} });
        res.writeHead(502, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } else {
        res.destroy();
      }
      resolve(502);
    });
    // A visitor who goes away (closing an SSE stream, cancelling a download) ends the upstream request too.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
}
