// bench/workers: render throughput of `pbpages start` (the built CLI, production
// logging on) with 1 worker and with 2 (`--workers 2`), on the render bench's page
// (a layout, a partial, a 20-item loop). The load generator (autocannon's CLI, 50
// connections) runs in its own process, so it never shares the server's event loop.
// Run after `npm run build`. Prints a table and, last, one JSON line.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const repo = resolve(import.meta.dirname, '..');
const items = Array.from({ length: 20 }, (_, i) => ({ id: i, title: `Item <${i}>`, done: i % 3 === 0 }));

async function project() {
  const root = await mkdtemp(join(tmpdir(), 'pbpages-bench-workers-'));
  const pages = join(root, 'pages');
  await mkdir(join(pages, '_private'), { recursive: true });
  await writeFile(join(pages, '+layout.ejs'), `<!doctype html><html><head><title><%= meta('title') %></title></head><body><header>Bench</header><%- slot %></body></html>`);
  await writeFile(join(pages, '_private', 'item.ejs'), `<li class="<%= item.done ? 'done' : 'open' %>"><%= item.title %></li>`);
  await writeFile(
    join(pages, 'index.ejs'),
    `<script server>meta('title', 'Bench'); const title = 'Bench'; const items = ${JSON.stringify(items)};</script><h1><%= title %></h1><ul><% for (const item of items) { %><%- include('item.ejs', { item }) %><% } %></ul>`,
  );
  return root;
}

/** `pbpages start` in `root`; resolves with its URL and a stop function once the banner is out. Its log is read and dropped. */
function start(root, workers) {
  const args = [join(repo, 'bin/pbpages.js'), 'start', ...(workers > 1 ? ['--workers', String(workers)] : [])];
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, PORT: '0', PB_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((done, fail) => {
    const onData = (chunk) => {
      output += chunk;
      const match = /^pbpages: (http:\/\/\S+)\n\s+mode: .*\n/m.exec(output);
      if (!match) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      done({
        url: match[1],
        stop: () =>
          new Promise((stopped) => {
            child.once('exit', stopped);
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => fail(new Error(`pbpages start exited ${code}:\n${output}`)));
  });
}

/** autocannon in a child process; its JSON result's average requests per second. */
function load(url, duration) {
  return new Promise((done, fail) => {
    const bin = join(repo, 'node_modules/autocannon/autocannon.js');
    const child = spawn(process.execPath, [bin, '--json', '-c', '50', '-d', String(duration), url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      try {
        const result = JSON.parse(output);
        if (code !== 0 || result.non2xx > 0 || result.errors > 0) throw new Error(`exit ${code}, ${result.non2xx} non-2xx, ${result.errors} errors`);
        done(result.requests.average);
      } catch (error) {
        fail(new Error(`autocannon against ${url} failed: ${error.message}`));
      }
    });
  });
}

const root = await project();
const figures = {};
try {
  for (const workers of [1, 2]) {
    const server = await start(root, workers);
    try {
      await load(`${server.url}/`, 1); // warm-up: template compilation, JIT
      figures[`workers${workers}Rps`] = Math.round(await load(`${server.url}/`, seconds));
    } finally {
      await server.stop();
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
figures.workers2vs1 = Number((figures.workers2Rps / figures.workers1Rps).toFixed(2));
console.table([
  { server: 'pbpages start (1 process)', 'req/s': figures.workers1Rps },
  { server: 'pbpages start --workers 2', 'req/s': figures.workers2Rps },
]);
console.log(`${availableParallelism()} cores, load generator in its own process: 2 workers vs 1 = ${figures.workers2vs1}x`);
console.log(JSON.stringify({ bench: 'workers', seconds, cores: availableParallelism(), ...figures, report: ['workers1Rps', 'workers2Rps', 'workers2vs1'] }));
