// bench/render-quiet: the runtime of `pbpages start` (embedded backend, auth extension)
// with the request log off, so bench/render.js can say what the log costs. argv[2] is the
// project root; prints one JSON line with the URL. Not a supported way to run pbpages.
import { join } from 'node:path';
import { resolveConfig } from '../dist/config.js';
import { createRuntime } from '../dist/cli/runtime.js';
import { startApp } from '../dist/server/app.js';

const root = process.argv[2];
const silent = () => {};
const config = resolveConfig({ port: 0, backendPort: 0, dataDir: join(root, 'pb_data_quiet'), pruneGuestsDaily: false });
const runtime = await createRuntime({ root, config, log: silent });
const app = await startApp({ root, config, extensions: runtime.extensions, log: silent });
console.log(JSON.stringify({ url: app.url }));
