/**
 * @module embedded/http-body
 * Reads a request body within a size limit (413 beyond it) and parses JSON,
 * urlencoded and multipart bodies the way PocketBase's record forms do:
 * repeated multipart keys become arrays, "true"/"false" become booleans, a
 * string becomes a number only in its exact canonical form, and each
 * `@jsonPayload` part is merged over the fields. Bodies are limited in size
 * (32 MiB by default, PocketBase's default) and JSON in nesting depth.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

export type Body = Record<string, unknown>;

export async function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new ApiError(413);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new ApiError(413);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The client went away mid-body: a bad request, not a server error worth a stack trace.
    throw loadError();
  }
  return Buffer.concat(chunks);
}

const loadError = () => new ApiError(400, 'An error occurred while loading the submitted data.');

/** Go's encoding/json, which PocketBase decodes bodies with, refuses nesting deeper than this. */
export const maxJsonDepth = 10_000;

/**
 * Parses JSON after checking its nesting in one linear pass: deeper than Go's
 * limit is PocketBase's plain 400, refused before JSON.parse and the recursive
 * validators behind it could overflow the stack (a RangeError, a 500 and a
 * stack trace in the log for every such request).
 */
function parseJson(text: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxJsonDepth) throw new ApiError(400);
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw loadError();
  }
}

function coerce(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value !== '' && String(Number(value)) === value) return Number(value);
  return value;
}

function addField(out: Body, key: string, value: unknown): void {
  if (key in out) {
    const prev = out[key];
    out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  } else {
    out[key] = value;
  }
}

export async function parseBody(req: IncomingMessage, raw: Buffer): Promise<Body> {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (raw.length === 0) return {};
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    let form: FormData;
    try {
      form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    } catch {
      throw loadError();
    }
    const out: Body = {};
    const payloads: string[] = [];
    for (const [key, value] of form.entries()) {
      if (typeof value !== 'string') continue; // files are not supported by the embedded backend
      if (key === '@jsonPayload') payloads.push(value);
      else addField(out, key, coerce(value));
    }
    for (const payload of payloads) {
      const parsed = parseJson(payload);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(out, parsed);
    }
    return out;
  }
  const parsed = parseJson(raw.toString('utf8'));
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw loadError();
  return parsed as Body;
}
