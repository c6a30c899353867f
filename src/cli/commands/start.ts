/**
 * @module cli/commands/start
 * `pbpages start`: the production server for `./pages`.
 */
import type { Command } from '../index.js';
import { serve } from '../serve.js';
import { parseWorkers } from '../workers.js';

export const command: Command = {
  summary: 'serve ./pages in production (PORT, HOST; embedded backend unless PB_URL is set; --workers N|auto)',
  async run(args) {
    let workers: number;
    try {
      workers = parseWorkers(args);
    } catch (error) {
      console.error(`pbpages start: ${(error as Error).message}`);
      return 1;
    }
    return serve({ dev: false, workers });
  },
};
