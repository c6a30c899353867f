/**
 * The backend a contract test talks to: a real PocketBase when PB_TEST_URL is
 * set (with PB_TEST_SUPERUSER_EMAIL / PB_TEST_SUPERUSER_PASSWORD), else the
 * embedded backend in a temporary dir with an in-memory mail outbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { MemoryMailer, startEmbeddedBackend } from '../../../src/embedded/index.js';
import { registerSecret } from '../../support/output-capture.js';

export interface TestBackend {
  url: string;
  superuser: { email: string; password: string };
  /** Only with the embedded backend: the mails it would have sent. */
  mailer: MemoryMailer | undefined;
  dir: string | undefined;
  /** A superuser SDK client. */
  admin(): Promise<PocketBase>;
  close(): Promise<void>;
}

export const realPocketBase = Boolean(process.env.PB_TEST_URL);

export async function startTestBackend(): Promise<TestBackend> {
  const helpers = {
    async admin(this: TestBackend) {
      const pb = new PocketBase(this.url);
      pb.autoCancellation(false);
      await pb.collection('_superusers').authWithPassword(this.superuser.email, this.superuser.password);
      return pb;
    },
  };
  if (realPocketBase) {
    const superuser = { email: process.env.PB_TEST_SUPERUSER_EMAIL ?? '', password: process.env.PB_TEST_SUPERUSER_PASSWORD ?? '' };
    return { url: process.env.PB_TEST_URL!, superuser, mailer: undefined, dir: undefined, ...helpers, close: async () => {} };
  }
  const dir = await mkdtemp(join(tmpdir(), 'pbpages-contract-'));
  const superuser = { email: 'root@pbpages.test', password: 'contract-superuser-pw' };
  registerSecret(superuser.password);
  const mailer = new MemoryMailer();
  const backend = await startEmbeddedBackend({ dir, port: 0, superuser, mailer });
  return {
    url: backend.url, superuser, mailer, dir, ...helpers,
    async close() {
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    },
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
