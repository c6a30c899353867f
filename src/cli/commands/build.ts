/**
 * @module cli/commands/build
 * `pbpages build`: builds the client assets under pages/ (CSS, JS, TS files
 * that are served, not `+`/`_` files) with Vite: hashed names and a manifest,
 * which `pbpages start` reads so `asset('assets/app.css')` points at the
 * built, immutable file.
 */
import { relative, resolve } from 'node:path';
import type { Command } from '../index.js';
import { loadConfig } from '../load-config.js';
import { buildRouteTable } from '../../pages/routes.js';
import { clientOutDir } from '../../server/client-build.js';

export const command: Command = {
  summary: 'build client assets in pages/ with Vite (hashed names, manifest used by asset())',
  async run() {
    const root = process.cwd();
    const config = await loadConfig(root, process.env);
    const pagesDir = resolve(root, config.pagesDir);
    const inputs = [...buildRouteTable(pagesDir).staticFiles.values()].filter((file) => /\.(css|js|mjs|ts)$/.test(file));
    if (inputs.length === 0) {
      console.log('pbpages build: no CSS/JS files in pages/ to build.');
      return 0;
    }
    const { build } = await import('vite');
    const outDir = clientOutDir(root);
    await build({
      root: pagesDir,
      configFile: false,
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, manifest: true, rollupOptions: { input: inputs } },
    });
    console.log(`pbpages build: ${inputs.length} asset(s) → ${relative(root, outDir)}`);
    return 0;
  },
};
