#!/usr/bin/env node
// The published entry point: a thin shim so the CLI itself stays in TypeScript (src/cli).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('pbpages: dist/ is missing. Run `npm install` (it builds) or `npm run build` first.');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
