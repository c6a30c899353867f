/**
 * @module cli/commands/start
 * `pbpages start`: the production server for `./pages`.
 */
import type { Command } from '../index.js';
import { serve } from '../serve.js';

export const command: Command = {
  summary: 'serve ./pages in production (PORT, HOST; embedded backend unless PB_URL is set)',
  run: () => serve({ dev: false }),
};
