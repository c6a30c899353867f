/**
 * @module cli/commands/setup
 * `pbpages setup`: imports `pb_schema.json` and adds the `anonymous` field to
 * the guest collection, as superuser, on the embedded backend or a real
 * PocketBase (`PB_URL`).
 */
import type { Command } from '../index.js';
import { setupGuestSchema } from '../../auth/guest-schema.js';
import { createSuperuserClient } from '../../pocketbase/superuser-client.js';
import { loadConfig } from '../load-config.js';
import { commandBackend } from '../runtime.js';

export const command: Command = {
  summary: 'Import pb_schema.json and add the "anonymous" field to the guest collection',
  async run() {
    const root = process.cwd();
    const config = await loadConfig(process.cwd(), process.env);
    const { pocketbaseUrl, credentials } = await commandBackend(root, config);
    if (!credentials) {
      console.error('pbpages setup: set PB_SUPERUSER_EMAIL and PB_SUPERUSER_PASSWORD.');
      return 1;
    }
    try {
      const superuser = createSuperuserClient(pocketbaseUrl, credentials);
      const result = await setupGuestSchema({ superuser, root, collection: config.auth.anonymous.collection, log: console.log });
      console.log(`pbpages setup: done (${result.imported} collection(s) imported, anonymous field ${result.addedAnonymousField ? 'added' : 'present'}).`);
      return 0;
    } catch (error) {
      console.error(`pbpages setup: ${error instanceof Error ? error.message : String(error)} (backend ${pocketbaseUrl})`);
      return 1;
    }
  },
};
