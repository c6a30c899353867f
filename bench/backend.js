// bench/backend: the embedded backend next to the real PocketBase, in one run, each in its own
// process as `pbpages start` runs them (`pbpages backend`; the PB_BIN binary), the load from this
// process. Four figures per backend:
//   sign-ups  - guest-style sign-ups/s (create with a random email and password, then
//               authWithPassword) at concurrency 8, against the bcrypt limit measured in the same
//               run: cost-10 hashes/s with one hash in flight per core, / 2 hashes per sign-up;
//   list      - an owner-rule list of 50 records (`owner = @request.auth.id`, 500 records in all);
//   view      - one record through the same rule;
//   refresh   - auth-refresh.
// Targets: embedded >= 0.8 x real on each read; both >= 0.85 x the bcrypt limit on sign-ups.
// Needs the real server (`npm run pocketbase:install` or PB_BIN); without it only the embedded
// figures are printed and the ratios are reported as missing. Run after `npm run build`.
// Prints a table and, last, one JSON line.
import { availableParallelism, tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import PocketBase from 'pocketbase';
import { startEmbeddedProcess, startManagedPocketBase } from '../dist/cli/managed-backend.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = 8;
const cores = availableParallelism();
const superuser = { email: 'bench@pbpages.test', password: 'bench-superuser-password' };
const installed = resolve(import.meta.dirname, '../.pocketbase/bin/pocketbase');
const realBin = process.env.PB_BIN ?? (existsSync(installed) ? installed : undefined);
const quiet = () => {};

async function bcryptLimit() {
  let hashes = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: cores }, async () => {
    while (Date.now() < until) {
      await bcrypt.hash('guest-password-0123456789', 10);
      hashes++;
    }
  }));
  return hashes / seconds;
}

async function signUps(url) {
  let done = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    while (Date.now() < until) {
      const email = `anonymous-${randomBytes(16).toString('hex')}@example.com`;
      const password = randomBytes(18).toString('base64url');
      await pb.collection('users').create({ email, password, passwordConfirm: password });
      await pb.collection('users').authWithPassword(email, password);
      done++;
    }
  }));
  return done / seconds;
}

/** Ten users with 50 notes each; returns the first user's token and one of its notes. */
async function seed(url) {
  const admin = new PocketBase(url);
  admin.autoCancellation(false);
  await admin.collection('_superusers').authWithPassword(superuser.email, superuser.password);
  await admin.collections.create({
    name: 'notes', type: 'base',
    listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id',
    fields: [{ name: 'text', type: 'text' }, { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 }],
  });
  let first;
  for (let u = 0; u < 10; u++) {
    const email = `owner-${u}@pbpages.test`;
    const owner = await admin.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    await Promise.all(Array.from({ length: 50 }, (_, n) => admin.collection('notes').create({ text: `note ${n} of ${u}`, owner: owner.id })));
    if (u === 0) first = email;
  }
  const visitor = new PocketBase(url);
  const { token } = await visitor.collection('users').authWithPassword(first, 'password-123');
  const note = (await visitor.collection('notes').getList(1, 1)).items[0];
  return { token, noteId: note.id };
}

async function rate(options) {
  const result = await autocannon({ connections: 10, duration: seconds, ...options });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return Math.round(result.requests.average);
}

async function measure(name, start) {
  const dir = await mkdtemp(join(tmpdir(), `pbpages-bench-${name}-`));
  const server = await start({ dir, host: '127.0.0.1', port: 0, superuser, log: quiet });
  try {
    const { token, noteId } = await seed(server.url);
    const headers = { Authorization: token };
    const records = `${server.url}/api/collections/notes/records`;
    return {
      backend: server.description,
      signUps: Number((await signUps(server.url)).toFixed(1)),
      list: await rate({ url: `${records}?perPage=50`, headers }),
      view: await rate({ url: `${records}/${noteId}`, headers }),
      refresh: await rate({ url: `${server.url}/api/collections/users/auth-refresh`, method: 'POST', headers }),
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const hashesPerSecond = await bcryptLimit();
const limit = hashesPerSecond / 2;
const embedded = await measure('embedded', startEmbeddedProcess);
const real = realBin ? await measure('real', (options) => startManagedPocketBase({ ...options, bin: realBin, migrationsDir: join(options.dir, 'migrations') })) : undefined;
const ratio = (a, b) => (b ? Number((a / b).toFixed(2)) : null);

console.log(`bcrypt cost-10: ${Math.round(hashesPerSecond)} hashes/s on ${cores} cores; sign-up limit ${limit.toFixed(1)}/s`);
console.table(['signUps', 'list', 'view', 'refresh'].map((figure) => ({
  figure: figure === 'signUps' ? 'guest sign-ups/s' : `${figure} req/s`,
  embedded: embedded[figure],
  real: real?.[figure] ?? 'not installed',
  'embedded / real': ratio(embedded[figure], real?.[figure]),
})));
console.log(JSON.stringify({
  bench: 'backend', seconds, cores, versions: { embedded: embedded.backend, real: real?.backend ?? null },
  bcryptHashesPerSecond: Math.round(hashesPerSecond),
  signUpLimitPerSecond: Number(limit.toFixed(1)),
  embedded, real: real ?? null,
  signUpsVsBcryptLimit: ratio(embedded.signUps, limit),
  realSignUpsVsBcryptLimit: ratio(real?.signUps, limit),
  listVsReal: ratio(embedded.list, real?.list),
  viewVsReal: ratio(embedded.view, real?.view),
  refreshVsReal: ratio(embedded.refresh, real?.refresh),
  targets: { signUpsVsBcryptLimit: 0.85, realSignUpsVsBcryptLimit: 0.85, listVsReal: 0.8, viewVsReal: 0.8, refreshVsReal: 0.8 },
}));
