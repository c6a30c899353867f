/**
 * The embedded backend's data dir holds password hashes and token secrets: it
 * must be readable by its owner only (skipped on Windows, which has no modes).
 */
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedBackend } from '../../../src/embedded/index.js';
import { client, uniqueEmail } from '../helpers/backend.js';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function startAndWrite(dir: string) {
  const backend = await startEmbeddedBackend({ dir, port: 0 });
  const password = 'password-123';
  await client(backend.url).collection('users').create({ email: uniqueEmail('perm'), password, passwordConfirm: password });
  return backend;
}

describe.skipIf(process.platform === 'win32')('embedded data permissions', () => {
  it('creates pb_data as 0700 and data.db, -wal and -shm as 0600', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pbpages-perm-'));
    roots.push(root);
    const dir = join(root, 'pb_data');
    const backend = await startAndWrite(dir);
    try {
      expect(await mode(dir)).toBe(0o700);
      for (const file of ['data.db', 'data.db-wal', 'data.db-shm']) expect(await mode(join(dir, file))).toBe(0o600);
    } finally {
      await backend.close();
    }
  });

  it('tightens a world-readable pb_data and database on start', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pbpages-perm-'));
    roots.push(root);
    const dir = join(root, 'pb_data');
    await (await startAndWrite(dir)).close();
    await chmod(dir, 0o755);
    await chmod(join(dir, 'data.db'), 0o644);
    const backend = await startAndWrite(dir);
    try {
      expect(await mode(dir)).toBe(0o700);
      for (const file of ['data.db', 'data.db-wal', 'data.db-shm']) expect(await mode(join(dir, file))).toBe(0o600);
    } finally {
      await backend.close();
    }
  });
});
