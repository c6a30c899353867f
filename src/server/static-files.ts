/**
 * @module server/static-files
 * Static files from `pages/` (never templates, `+`/`_` files or hidden files:
 * the route table only lists public files). ETag and 304; `asset(path)` adds a
 * content hash (`?v=`), and a request carrying the current hash is cached for a
 * year, immutable; any other is revalidated.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import mime from 'mime-types';

interface Entry {
  mtime: number;
  hash: string;
  body: Buffer;
}

export class StaticFiles {
  readonly #cache = new Map<string, Entry>();

  #entry(file: string): Entry {
    const mtime = statSync(file).mtimeMs;
    const cached = this.#cache.get(file);
    if (cached && cached.mtime === mtime) return cached;
    const body = readFileSync(file);
    const entry = { mtime, body, hash: createHash('sha256').update(body).digest('base64url').slice(0, 12) };
    this.#cache.set(file, entry);
    return entry;
  }

  /** The fingerprinted URL of a static file, or the plain path when there is no such file. */
  url(urlPath: string, file: string | undefined): string {
    return file ? `${urlPath}?v=${this.#entry(file).hash}` : urlPath;
  }

  /** `version` is the request's `?v=`, or 'immutable' for files whose name already holds their hash. */
  serve(req: IncomingMessage, res: ServerResponse, file: string, version: string | null): number {
    const entry = this.#entry(file);
    const etag = `"${entry.hash}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Content-Type', mime.contentType(file.split('/').pop() ?? '') || 'application/octet-stream');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const immutable = version === entry.hash || version === 'immutable';
    res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.end();
      return 304;
    }
    res.statusCode = 200;
    res.setHeader('Content-Length', entry.body.length);
    res.end(req.method === 'HEAD' ? undefined : entry.body);
    return 200;
  }
}
