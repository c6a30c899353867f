/**
 * @module embedded/server
 * The HTTP front of the embedded backend: CORS, body limit, auth resolution,
 * routing to handlers, and the error envelope. Bad input is always a 4xx; an
 * unexpected error is logged and answered with a generic 500, never a crash.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { authMethods, authRefresh, authWithPassword, confirmPasswordReset, confirmVerification, impersonate, requestPasswordReset, requestVerification } from './auth/handlers.js';
import { authFromHeader } from './auth/tokens.js';
import { createCollection, deleteCollection, importCollections, listCollections, requireSuperuser, truncateCollection, updateCollection, viewCollection } from './collections-api.js';
import type { Backend, RequestContext } from './context.js';
import { parseBody, readRaw } from './http-body.js';
import { createRecord, deleteRecord, listRecords, updateRecord, viewRecord } from './records/handlers.js';
import { pickFields } from './records/serialize.js';
import type { CollectionJson } from './filter/index.js';

type Result = { status: number; body?: unknown };
const ok = (body: unknown): Result => ({ status: 200, body });
const noContent: Result = { status: 204 };

function collectionFor(ctx: RequestContext, idOrName: string, write: boolean, auth: boolean): CollectionJson {
  const collection = ctx.backend.collections.get(idOrName);
  if (!collection) throw new ApiError(404, write || auth ? 'Missing or invalid collection context.' : 'Missing collection context.');
  if (auth && collection.type !== 'auth') throw new ApiError(404, 'Missing or invalid auth collection context.');
  return collection;
}

/**
 * What PocketBase answers for a path no route claims: a GET falls through to its static file
 * handler ("File not found."), any other method to the router's plain 404.
 */
function unknownRoute(method: string): ApiError {
  return new ApiError(404, method === 'GET' || method === 'HEAD' ? 'File not found.' : undefined);
}

async function route(ctx: RequestContext, parts: string[]): Promise<Result> {
  const m = ctx.method;
  if (parts.length === 1 && parts[0] === 'health' && (m === 'GET' || m === 'HEAD')) return ok({ message: 'API is healthy.', code: 200, data: {} });
  if (parts[0] !== 'collections') throw unknownRoute(m);
  const [, name, action, id, extra] = parts;
  if (!name) {
    requireSuperuser(ctx);
    if (m === 'GET') return ok(listCollections(ctx));
    if (m === 'POST') return ok(createCollection(ctx));
    throw unknownRoute(m);
  }
  if (name === 'import' && !action && m === 'PUT') {
    requireSuperuser(ctx);
    importCollections(ctx);
    return noContent;
  }
  if (!action) {
    requireSuperuser(ctx);
    if (m === 'GET') return ok(viewCollection(ctx, name));
    if (m === 'PATCH') return ok(updateCollection(ctx, name));
    if (m === 'DELETE') return (deleteCollection(ctx, name), noContent);
    throw unknownRoute(m);
  }
  if (action === 'truncate' && m === 'DELETE' && !id) {
    requireSuperuser(ctx);
    return (truncateCollection(ctx, name), noContent);
  }
  if (action === 'records' && !extra) {
    const write = m === 'POST' || m === 'PATCH';
    const collection = collectionFor(ctx, name, write, false);
    if (!id && m === 'GET') return ok(listRecords(ctx, collection));
    if (!id && m === 'POST') return ok(await createRecord(ctx, collection));
    if (id && m === 'GET') return ok(viewRecord(ctx, collection, id));
    if (id && m === 'PATCH') return ok(await updateRecord(ctx, collection, id));
    if (id && m === 'DELETE') return (deleteRecord(ctx, collection, id), noContent);
    throw unknownRoute(m);
  }
  const authRoutes: Record<string, (c: CollectionJson) => Promise<Result> | Result> = {
    'GET auth-methods': (c) => ok(authMethods(c)),
    'POST auth-with-password': async (c) => ok(await authWithPassword(ctx, c)),
    'POST auth-refresh': (c) => ok(authRefresh(ctx, c)),
    'POST request-verification': async (c) => (await requestVerification(ctx, c), noContent),
    'POST confirm-verification': (c) => (confirmVerification(ctx, c), noContent),
    'POST request-password-reset': async (c) => (await requestPasswordReset(ctx, c), noContent),
    'POST confirm-password-reset': async (c) => (await confirmPasswordReset(ctx, c), noContent),
  };
  if (action === 'impersonate' && id && !extra && m === 'POST') return ok(impersonate(ctx, collectionFor(ctx, name, true, true), id));
  // auth-refresh checks the requester's collection before the collection's type (PocketBase's RequireSameCollectionContextAuth).
  if (action === 'auth-refresh' && !id && m === 'POST') return ok(authRefresh(ctx, collectionFor(ctx, name, true, false)));
  const handler = !id ? authRoutes[`${m} ${action}`] : undefined;
  if (!handler) throw unknownRoute(m);
  return handler(collectionFor(ctx, name, true, true));
}

function send(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  res.statusCode = status;
  if (status === 204 || body === undefined) {
    res.end();
    return;
  }
  const json = JSON.stringify(body);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(head ? undefined : json);
}

export function createHandler(backend: Backend, bodyLimit: number): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, PUT, PATCH, POST, DELETE');
    res.setHeader('Access-Control-Allow-Headers', '*');
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') return send(res, 204, undefined, false);
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://embedded.local');
        const raw = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readRaw(req, bodyLimit);
        let pathname: string;
        try {
          pathname = decodeURIComponent(url.pathname);
        } catch {
          throw unknownRoute(method);
        }
        const parts = pathname.split('/').filter(Boolean);
        if (parts[0] !== 'api') throw unknownRoute(method);
        const auth = authFromHeader(backend, typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
        const ctx: RequestContext = {
          backend,
          method: method === 'HEAD' ? 'GET' : method,
          url,
          headers: req.headers,
          body: {},
          auth,
          isSuperuser: auth?.collection.name === '_superusers',
        };
        ctx.body = await parseBody(req, raw).catch((error: unknown) => {
          // Record writes read their body in PocketBase's record form loader, which answers a bad body
          // with the generic 400; every other endpoint binds it with "An error occurred while loading…".
          throw parts[3] === 'records' && error instanceof ApiError && error.status === 400 ? new ApiError(400) : error;
        });
        const result = await route(ctx, parts.slice(1));
        send(res, result.status, pickFields(result.body, url.searchParams.get('fields')), method === 'HEAD');
      } catch (error) {
        if (error instanceof ApiError) return send(res, error.status, error.toJSON(), method === 'HEAD');
        backend.log(`embedded: unexpected error on ${method} ${(req.url ?? '').split('?')[0]}: ${(error as Error).stack ?? error}`);
        send(res, 500, new ApiError(500).toJSON(), method === 'HEAD');
      }
    })();
  };
}
