/**
 * @module pages/body
 * Reads and parses the request body before the page runs, so `formData` and
 * `body()` are synchronous in templates: urlencoded and multipart fields
 * (repeated keys → arrays, files skipped), JSON. Over the limit → 413;
 * unparsable or cut off by the client → 400. Nothing is read for GET/HEAD.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

export interface ParsedBody {
  formData: Record<string, string | string[]>;
  json: unknown;
}

const empty = (): ParsedBody => ({ formData: {}, json: undefined });

async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new HttpError(413, 'The request body is too large.');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new HttpError(413, 'The request body is too large.');
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    // The client went away mid-body (closed tab, dropped connection): ordinary, not a server error.
    throw new HttpError(400, 'The request body was not received completely.');
  }
  return Buffer.concat(chunks);
}

export async function parseRequestBody(req: IncomingMessage, limit: number): Promise<ParsedBody> {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return empty();
  const raw = await readLimited(req, limit);
  if (raw.length === 0) return empty();
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json') || type.endsWith('+json')) {
    try {
      return { formData: {}, json: JSON.parse(raw.toString('utf8')) };
    } catch {
      throw new HttpError(400, 'The request body is not valid JSON.');
    }
  }
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    let form: FormData;
    try {
      form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    } catch {
      throw new HttpError(400, 'The form data could not be read.');
    }
    const formData: Record<string, string | string[]> = Object.create(null);
    for (const [key, value] of form.entries()) {
      if (typeof value !== 'string') continue;
      const prev = formData[key];
      formData[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    return { formData, json: formData };
  }
  return empty();
}
