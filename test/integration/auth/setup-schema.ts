/** Runs `pbpages setup`'s logic against a test backend so `users` has the `anonymous` field. */
import { setupGuestSchema } from '../../../src/auth/guest-schema.js';
import { createSuperuserClient } from '../../../src/pocketbase/superuser-client.js';
import { superuser } from './harness.js';
import type { Backend } from './harness.js';

export async function setUp(backend: Backend, root = backend.dir): Promise<void> {
  await setupGuestSchema({ superuser: createSuperuserClient(backend.url, superuser), root, collection: 'users', log: () => undefined });
}
