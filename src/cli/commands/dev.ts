/**
 * @module cli/commands/dev
 * `pbpages dev`: `start` plus live reload. Vite serves client assets in
 * middleware mode and pushes a full reload to the browser through its HMR
 * socket whenever a file under pages/ changes; the route table and templates
 * are rebuilt at the same moment.
 */
import { createServer as createNetServer } from 'node:net';
import type { Command } from '../index.js';
import { serve } from '../serve.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const command: Command = {
  summary: 'serve ./pages with live reload (Vite)',
  run: () =>
    serve({
      dev: true,
      async devTools(pagesDir) {
        const { createServer } = await import('vite');
        const vite = await createServer({
          root: pagesDir,
          configFile: false,
          appType: 'custom',
          logLevel: 'warn',
          server: { middlewareMode: true, hmr: { port: await freePort(), host: '127.0.0.1' } },
        });
        return {
          before: (req, res, next) => vite.middlewares(req, res, next),
          inject: '<script type="module" src="/@vite/client"></script>',
          watch(onChange) {
            vite.watcher.on('all', () => {
              onChange();
              vite.ws.send({ type: 'full-reload' });
            });
          },
          close: () => vite.close(),
        };
      },
    }),
};
