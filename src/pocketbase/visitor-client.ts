/**
 * @module pocketbase/visitor-client
 * The SDK client that acts as one visitor for one request. A new client is
 * made per request and holds only that visitor's token in a memory store, so
 * no visitor's auth ever outlives the request or leaks into another one (the
 * SDK README's "SSR integration" pattern).
 */
import PocketBase, { BaseAuthStore } from 'pocketbase';
import type { RecordModel } from 'pocketbase';

/**
 * @example
 * const pb = createVisitorClient('http://127.0.0.1:8090', token, record);
 * await pb.collection('notes').getList(1, 20);
 */
export function createVisitorClient(url: string, token?: string, record?: RecordModel): PocketBase {
  const pb = new PocketBase(url, new BaseAuthStore());
  // Auto-cancellation is a browser convenience: on a server two concurrent
  // requests with the same path would cancel each other.
  pb.autoCancellation(false);
  if (token) pb.authStore.save(token, record ?? null);
  return pb;
}
