/**
 * The backend a contract test talks to: the kind the suite runs against
 * (`PB_BACKEND`, see test/support/backend-kind.ts) in a fresh temporary dir, or
 * an already running PocketBase when PB_TEST_URL is set (with
 * PB_TEST_SUPERUSER_EMAIL / PB_TEST_SUPERUSER_PASSWORD).
 */
import PocketBase, { ClientResponseError } from 'pocketbase';
import { startTestServer, type TestServer } from '../../support/test-server.js';

export type TestBackend = Pick<TestServer, 'url' | 'superuser' | 'admin' | 'close'> & { mailbox: TestServer['mailbox'] | undefined };

export async function startTestBackend(): Promise<TestBackend> {
  const url = process.env.PB_TEST_URL;
  if (!url) return startTestServer();
  const superuser = { email: process.env.PB_TEST_SUPERUSER_EMAIL ?? '', password: process.env.PB_TEST_SUPERUSER_PASSWORD ?? '' };
  return {
    url, superuser, mailbox: undefined,
    async admin() {
      const pb = client(url);
      await pb.collection('_superusers').authWithPassword(superuser.email, superuser.password);
      return pb;
    },
    close: async () => {},
  };
}

let counter = 0;
/** A unique email per call, so tests sharing a backend never collide. */
export const uniqueEmail = (label = 'user') => `${label}-${Date.now().toString(36)}-${counter++}@pbpages.test`;

/** A new SDK client (auto-cancellation off: tests run requests in parallel). */
export function client(url: string): PocketBase {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  return pb;
}

/** The SDK error of a request that must fail (a resolved request fails the test). */
export async function failure(promise: Promise<unknown>): Promise<ClientResponseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClientResponseError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}
