// bench/backend: guest-style sign-ups per second (SDK create with a random email
// and password, then authWithPassword) against the embedded backend at
// concurrency 8, next to the bcrypt limit measured in the same run: bcrypt cost-10
// hashes per second with one hash in flight per core, divided by the 2 hashes a
// sign-up needs (create hashes, login compares). Run after `npm run build`.
// Prints a table and, last, one JSON line.
import { availableParallelism } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import PocketBase from 'pocketbase';
import { startEmbeddedBackend } from '../dist/embedded/index.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const concurrency = 8;
const cores = availableParallelism();

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
  let failed = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    while (Date.now() < until) {
      const email = `anonymous-${randomBytes(16).toString('hex')}@example.com`;
      const password = randomBytes(18).toString('base64url');
      try {
        await pb.collection('users').create({ email, password, passwordConfirm: password, emailVisibility: false });
        await pb.collection('users').authWithPassword(email, password);
        done++;
      } catch {
        failed++;
      }
    }
  }));
  return { perSecond: done / seconds, failed };
}

const dir = await mkdtemp(join(tmpdir(), 'pbpages-bench-backend-'));
const backend = await startEmbeddedBackend({ dir, port: 0 });
try {
  const hashesPerSecond = await bcryptLimit();
  const limit = hashesPerSecond / 2;
  const { perSecond, failed } = await signUps(backend.url);
  const ratio = perSecond / limit;
  console.table([
    { measure: `bcrypt cost-10 hashes/s (${cores} cores)`, value: Math.round(hashesPerSecond) },
    { measure: 'sign-up limit (2 hashes per sign-up)', value: Number(limit.toFixed(1)) },
    { measure: `guest sign-ups/s at concurrency ${concurrency}`, value: Number(perSecond.toFixed(1)) },
    { measure: 'ratio to the limit (target >= 0.85)', value: Number(ratio.toFixed(2)) },
  ]);
  console.log(JSON.stringify({
    bench: 'backend', seconds, cores, failed,
    bcryptHashesPerSecond: Math.round(hashesPerSecond),
    signUpLimitPerSecond: Number(limit.toFixed(1)),
    signUpsPerSecond: Number(perSecond.toFixed(1)),
    signUpsVsBcryptLimit: Number(ratio.toFixed(2)),
    targets: { signUpsVsBcryptLimit: 0.85 },
  }));
} finally {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
}
