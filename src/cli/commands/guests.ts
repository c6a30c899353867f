/**
 * @module cli/commands/guests
 * `pbpages guests prune --older-than 90d`: deletes guest accounts created
 * before the cutoff and prints how many. Without `--older-than` the configured
 * `auth.anonymous.retentionDays` applies.
 */
import type { Command } from '../index.js';
import { parseDuration, pruneGuests } from '../../auth/guest-prune.js';
import { createSuperuserClient } from '../../pocketbase/superuser-client.js';
import { loadConfig } from '../load-config.js';
import { commandBackend } from '../runtime.js';

const usage = 'Usage: pbpages guests prune [--older-than 90d]';

export const command: Command = {
  summary: 'Manage guest accounts: `guests prune --older-than 90d` deletes stale guests',
  async run(args) {
    const [action, ...rest] = args;
    if (action !== 'prune') {
      console.error(usage);
      return 1;
    }
    const config = await loadConfig(process.cwd(), process.env);
    let seconds = config.auth.anonymous.retentionDays * 86_400;
    for (let i = 0; i < rest.length; i += 1) {
      const arg = rest[i] ?? '';
      const value = arg.startsWith('--older-than=') ? arg.slice('--older-than='.length) : arg === '--older-than' ? rest[++i] : undefined;
      const parsed = value === undefined ? undefined : parseDuration(value);
      if (parsed === undefined) {
        const problem = value === undefined ? `unknown argument "${arg}"` : `"${value}" is not a duration (use 90d, 12h, 30m or 45s)`;
        console.error(`pbpages guests: ${problem}.\n${usage}`);
        return 1;
      }
      seconds = parsed;
    }
    const { pocketbaseUrl, credentials } = await commandBackend(process.cwd(), config);
    if (!credentials) {
      console.error('pbpages guests: set PB_SUPERUSER_EMAIL and PB_SUPERUSER_PASSWORD.');
      return 1;
    }
    try {
      const anonymous = config.auth.anonymous;
      const count = await pruneGuests({
        superuser: createSuperuserClient(pocketbaseUrl, credentials),
        collection: anonymous.collection,
        cutoff: new Date(Date.now() - seconds * 1000),
        pattern: anonymous,
      });
      console.log(`pbpages guests: pruned ${count} guest(s).`);
      return 0;
    } catch (error) {
      console.error(`pbpages guests: ${error instanceof Error ? error.message : String(error)} (backend ${pocketbaseUrl})`);
      return 1;
    }
  },
};
