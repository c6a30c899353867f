import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import PocketBase from 'pocketbase';
import { afterAll, describe, expect, it } from 'vitest';
import { backendKind } from '../../support/backend-kind.js';
import { repoRoot } from '../helpers/app.js';

const superuser = { email: 'root@pbpages.test', password: 'crash-safety-superuser-pw' };
const children: ChildProcess[] = [];
let dir: string;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `pbpages backend` in a child process, so it can really be killed with SIGKILL. */
async function startBackendProcess(dataDir: string, port = 0): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/pbpages.js'), 'backend', '--http', `127.0.0.1:${port}`, '--dir', dataDir], {
    env: { ...process.env, PB_SUPERUSER_EMAIL: superuser.email, PB_SUPERUSER_PASSWORD: superuser.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend printed no URL:\n${output}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`backend exited with ${code}:\n${output}`)));
  });
  return { url, child };
}

// Our own process and SQLite file; a real PocketBase's durability is its own to prove.
describe.skipIf(backendKind === 'pocketbase')('the embedded backend killed with SIGKILL mid-write (embedded backend only)', () => {
  it('restarts with an intact database holding every write it acknowledged', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pbpages-crash-'));
    const first = await startBackendProcess(dir);
    const admin = new PocketBase(first.url);
    admin.autoCancellation(false);
    await admin.collection('_superusers').authWithPassword(superuser.email, superuser.password);
    await admin.collections.create({
      name: 'items',
      type: 'base',
      createRule: '',
      listRule: '',
      fields: [{ name: 'n', type: 'number' }],
    });

    const visitor = new PocketBase(first.url);
    visitor.autoCancellation(false);
    const acknowledged: string[] = [];
    const writes = Array.from({ length: 200 }, (_, n) =>
      visitor
        .collection('items')
        .create({ n })
        .then((record) => {
          acknowledged.push(record.id);
          if (acknowledged.length === 50) first.child.kill('SIGKILL');
        })
        .catch(() => undefined),
    );
    await Promise.all(writes);
    expect(first.child.signalCode ?? 'SIGKILL').toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);

    const db = new Database(join(dir, 'data.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const second = await startBackendProcess(dir);
    const reader = new PocketBase(second.url);
    const stored = await reader.collection('items').getFullList({ fields: 'id' });
    const storedIds = new Set(stored.map((r) => r.id));
    expect(acknowledged.filter((id) => !storedIds.has(id))).toEqual([]);
    second.child.kill('SIGTERM');
  }, 60_000);
});
