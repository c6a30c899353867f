import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { createRuntime, superuserFileName } from '../../../src/cli/runtime.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pbpages-runtime-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createRuntime without a PocketBase URL', () => {
  it('starts the embedded backend with its own 0600 superuser, runs setup, and reuses the superuser next start', async () => {
    const config = resolveConfig({ backendPort: 0, dataDir: 'pb_data', pruneGuestsDaily: false });
    const logs: string[] = [];
    const first = await createRuntime({ root, config, log: (line) => logs.push(line) });
    let saved: { email: string; password: string };
    try {
      expect(first.extensions.map((extension) => extension.name)).toEqual(['auth']);
      const file = join(root, 'pb_data', superuserFileName);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      saved = JSON.parse(await readFile(file, 'utf8')) as { email: string; password: string };
      const pb = new PocketBase(first.pocketbaseUrl);
      await pb.collection('_superusers').authWithPassword(saved.email, saved.password);
      const users = await pb.collections.getOne('users');
      expect(users.fields.some((field) => field.name === 'anonymous')).toBe(true);
      for (const line of logs) expect(line).not.toContain(saved.password);
    } finally {
      await first.close();
    }
    const second = await createRuntime({ root, config, log: () => undefined });
    try {
      expect(JSON.parse(await readFile(join(root, 'pb_data', superuserFileName), 'utf8'))).toEqual(saved);
      const pb = new PocketBase(second.pocketbaseUrl);
      await expect(pb.collection('_superusers').authWithPassword(saved.email, saved.password)).resolves.toBeDefined();
    } finally {
      await second.close();
    }
  });
});
