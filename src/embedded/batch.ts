/**
 * @module embedded/batch
 * `POST /api/batch` (apis/batch.go): record creates, updates, upserts and
 * deletes run in one SQLite transaction, all or nothing. Success answers
 * `[{status, body}]` in request order; the first failing request rolls back
 * everything and answers 400 "Batch transaction failed." with the failure
 * under `data.requests.<index>` (`batch_request_failed`, its `response`).
 * Off until a superuser enables it in the settings, as in PocketBase.
 *
 * While a batch runs, new requests wait at the server's gate, so nothing else
 * writes inside the open transaction. Sub-requests act with the batch
 * request's own auth, so API rules apply to each of them.
 */
import { ApiError, type ErrorData } from './api-error.js';
import type { RequestContext } from './context.js';
import { inExclusiveTransaction } from './exclusive.js';

export type Dispatch = (ctx: RequestContext, parts: string[]) => Promise<{ status: number; body?: unknown }>;

const actions: [string, RegExp][] = [
  ['POST', /^\/api\/collections\/([^/?]+)\/records(\?.*)?$/],
  ['PUT', /^\/api\/collections\/([^/?]+)\/records(\?.*)?$/],
  ['PATCH', /^\/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/],
  ['DELETE', /^\/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/],
];

interface SubRequest {
  method: string;
  url: string;
  body: Record<string, unknown>;
}

function readRequests(body: Record<string, unknown>, max: number): SubRequest[] {
  const list = body.requests;
  const invalid = (code: string, message: string) => new ApiError(400, 'Invalid batch request data.', { requests: { code, message } });
  if (!Array.isArray(list) || list.length === 0) throw invalid('validation_required', 'Cannot be blank.');
  if (list.length > max) throw invalid('validation_length_too_long', `The length must be no more than ${max}.`);
  return list.map((item) => {
    const r = (item ?? {}) as Record<string, unknown>;
    const requestBody = r.body && typeof r.body === 'object' && !Array.isArray(r.body) ? (r.body as Record<string, unknown>) : {};
    return { method: String(r.method ?? '').toUpperCase(), url: String(r.url ?? ''), body: requestBody };
  });
}

function failure(index: number, error: ApiError): ApiError {
  const data: ErrorData = { requests: { [String(index)]: { code: 'batch_request_failed', message: 'Batch request failed.', response: error.toJSON() } } };
  return new ApiError(400, 'Batch transaction failed.', data);
}

/** Turns one batch entry into the path parts and context of an ordinary record request. */
function subRequest(ctx: RequestContext, r: SubRequest): { parts: string[]; sub: RequestContext } | undefined {
  const action = actions.find(([method, pattern]) => method === r.method && pattern.test(r.url));
  if (!action) return undefined;
  const url = new URL(r.url, 'http://embedded.local');
  let method = r.method;
  let parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent).slice(1);
  if (method === 'PUT') {
    // Upsert: an update when the body names an existing record, else a create.
    const collection = ctx.backend.collections.get(parts[1] ?? '');
    const id = typeof r.body.id === 'string' ? r.body.id : '';
    const exists = collection && id && ctx.backend.rows.get(collection.name, id);
    method = exists ? 'PATCH' : 'POST';
    if (exists) parts = [...parts, id];
  }
  return { parts, sub: { ...ctx, method, url, body: r.body } };
}

export async function runBatch(ctx: RequestContext, dispatch: Dispatch): Promise<unknown> {
  const settings = ctx.backend.settings.get().batch;
  if (!settings.enabled || settings.maxRequests <= 0) throw new ApiError(403, 'Batch requests are not allowed.');
  const requests = readRequests(ctx.body, settings.maxRequests);
  const deadline = Date.now() + (settings.timeout > 0 ? settings.timeout : 3) * 1000;
  return inExclusiveTransaction(ctx.backend, async () => {
    const results: { status: number; body: unknown }[] = [];
    for (const [index, r] of requests.entries()) {
      const prepared = subRequest(ctx, r);
      if (!prepared) throw failure(index, new ApiError(400));
      try {
        const result = await dispatch(prepared.sub, prepared.parts);
        results.push({ status: result.status, body: result.body ?? null });
      } catch (error) {
        throw error instanceof ApiError ? failure(index, error) : error;
      }
      if (Date.now() > deadline) throw new ApiError(400, 'Batch transaction failed.');
    }
    return results;
  });
}
