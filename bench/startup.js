// bench/startup: how long `pbpages start` takes from spawn to its first 200, and
// its resident memory (app + embedded backend, one process) before and under load.
// Run after `npm run build`. Prints a table and, last, one JSON line.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { firstOk, freePort } from './servers.js';

const repo = resolve(import.meta.dirname, '..');
const loadSeconds = Number(process.env.BENCH_SECONDS ?? 8);

async function rssMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

const root = await mkdtemp(join(tmpdir(), 'pbpages-bench-start-'));
await symlink(join(repo, 'pages'), join(root, 'pages'));
await symlink(join(repo, 'pb_schema.json'), join(root, 'pb_schema.json'));
const port = await freePort();
const started = performance.now();
const child = spawn(process.execPath, [join(repo, 'bin/pbpages.js'), 'start'], {
  cwd: root,
  env: { ...process.env, PORT: String(port), PB_PORT: '0', PB_DATA_DIR: join(root, 'pb_data') },
  stdio: 'ignore',
});
try {
  const url = `http://127.0.0.1:${port}/`;
  await firstOk(url, Date.now() + 30_000, 5); // start-up is the figure: poll finely
  const startupMs = performance.now() - started;
  const idleRss = await rssMiB(child.pid);
  let peakRss = idleRss;
  const sampler = setInterval(async () => {
    peakRss = Math.max(peakRss, await rssMiB(child.pid).catch(() => 0));
  }, 100);
  const load = await autocannon({ url, connections: 50, duration: loadSeconds });
  clearInterval(sampler);
  const figures = {
    startupToFirst200Ms: Math.round(startupMs),
    rssIdleMiB: Math.round(idleRss),
    rssPeakUnderLoadMiB: Math.round(peakRss),
    requestsPerSecond: Math.round(load.requests.average),
    errors: load.errors + load.non2xx,
  };
  console.log(`start-up to first 200     ${figures.startupToFirst200Ms} ms (target < 1500 ms)`);
  console.log(`RSS idle / peak under load ${figures.rssIdleMiB} / ${figures.rssPeakUnderLoadMiB} MiB (target peak < 200 MiB)`);
  console.log(`load: ${figures.requestsPerSecond} req/s on "/" at 50 connections, ${figures.errors} errors`);
  const targets = { startupToFirst200Ms: { max: 1500 }, rssPeakUnderLoadMiB: { max: 200 } };
  console.log(JSON.stringify({ bench: 'startup', ...figures, targets }));
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(root, { recursive: true, force: true });
}
