// bench/auth: what a signed-in page costs. One page, one page engine (startApp),
// three ways of knowing the visitor:
//   signed-out  - pbpages' auth extension, no cookie;
//   signed-in   - pbpages' auth extension with a guest's pb_auth cookie (verified by the
//                 backend once, then cached per token);
//   naive       - the SDK README's SSR pattern as an extension: loadFromCookie + authRefresh
//                 on every request.
// Targets: signed-in >= 0.8 x signed-out, signed-in >= 5 x naive. Run after `npm run build`.
// Prints a table and, last, one JSON line.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import PocketBase from 'pocketbase';
import { resolveConfig } from '../dist/config.js';
import { createRuntime } from '../dist/cli/runtime.js';
import { startApp } from '../dist/server/app.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const silent = () => {};

const root = await mkdtemp(join(tmpdir(), 'pbpages-bench-auth-'));
await mkdir(join(root, 'pages'));
await writeFile(join(root, 'pages', 'index.ejs'), `<script server>
  if (request.method === 'POST') { await signInAnonymously(); redirect('/'); }
</script><!doctype html><title>bench</title><p><%= auth ? 'Hello ' + auth.id : 'Hello stranger' %></p>`);

const config = resolveConfig({ port: 0, backendPort: 0, dataDir: join(root, 'pb_data'), pruneGuestsDaily: false });
const runtime = await createRuntime({ root, config, log: silent });
const naiveExtension = {
  name: 'naive-auth',
  async extend(ctx) {
    const pb = new PocketBase(runtime.pocketbaseUrl);
    pb.authStore.loadFromCookie(ctx.request.headers.cookie ?? '');
    let record;
    if (pb.authStore.isValid) {
      try {
        record = (await pb.collection('users').authRefresh()).record;
      } catch {
        pb.authStore.clear();
      }
    }
    ctx.auth = record;
    ctx.signInAnonymously = async () => {};
  },
};
const app = await startApp({ root, config, extensions: runtime.extensions, log: silent });
const naive = await startApp({ root, config, extensions: [naiveExtension], log: silent });

async function measure(url, cookie) {
  const result = await autocannon({ url, connections: 20, duration: seconds, headers: cookie ? { cookie } : {} });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

try {
  const signIn = await fetch(`${app.url}/`, { method: 'POST', redirect: 'manual', headers: { Origin: app.url } });
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('pb_auth='));
  const page = await (await fetch(`${app.url}/`, { headers: { cookie } })).text();
  if (!page.includes('Hello ') || page.includes('stranger')) throw new Error('the guest cookie did not sign in');

  const signedOut = await measure(`${app.url}/`);
  const signedIn = await measure(`${app.url}/`, cookie);
  const naiveRps = await measure(`${naive.url}/`, cookie);
  const figures = {
    signedOutRps: Math.round(signedOut),
    signedInRps: Math.round(signedIn),
    naiveRps: Math.round(naiveRps),
    signedInVsSignedOut: Number((signedIn / signedOut).toFixed(2)),
    signedInVsNaive: Number((signedIn / naiveRps).toFixed(2)),
  };
  console.table([
    { case: 'signed-out page', 'req/s': figures.signedOutRps },
    { case: 'signed-in page (pbpages: verified once, cached)', 'req/s': figures.signedInRps },
    { case: 'signed-in page (naive: authRefresh every request)', 'req/s': figures.naiveRps },
  ]);
  console.log(`signed-in vs signed-out ${figures.signedInVsSignedOut}x (target >= 0.8), vs naive ${figures.signedInVsNaive}x (target >= 5)`);
  console.log(JSON.stringify({ bench: 'auth', seconds, ...figures, targets: { signedInVsSignedOut: 0.8, signedInVsNaive: 5 } }));
} finally {
  await app.close();
  await naive.close();
  await runtime.close();
  await rm(root, { recursive: true, force: true });
}
