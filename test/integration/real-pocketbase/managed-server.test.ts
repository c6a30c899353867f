/**
 * `PB_BIN=… pbpages start`: pbpages runs the real PocketBase itself, says which
 * backend and version serve, and stops loudly (exit code, the server's last
 * log lines) when the server cannot start or dies.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { afterEach, describe, expect, it } from 'vitest';
import { startManagedPocketBase } from '../../../src/cli/managed-backend.js';
import { requiredPocketbaseBinary } from '../../support/backend-kind.js';
import { repoRoot } from '../helpers/app.js';
import { cliProject, startCli } from '../helpers/cli.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A project with the starter app's pages, schema and hooks. */
async function project(): Promise<string> {
  const root = await cliProject({});
  for (const name of ['pages', 'pb_schema.json', 'pb_hooks']) await symlink(join(repoRoot, name), join(root, name));
  return root;
}

const start = (root: string, env: Record<string, string> = {}) => startCli(root, ['start'], { PB_BIN: requiredPocketbaseBinary(), ...env });

describe('a real PocketBase managed by pbpages start', () => {
  it('serves the starter app on it and names the backend and its version', async () => {
    const app = await start(await project());
    expect(app.output()).toMatch(/backend: .*\(PocketBase \d+\.\d+\.\d+\)/);
    const { url } = app;
    const guest = await fetch(url + '/', { method: 'POST', redirect: 'manual', headers: { Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'mode=anonymous' });
    expect(guest.status).toBe(303);
    expect(app.output()).toMatch(/\[pocketbase\] [^"]*Server started/);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('exits with the server\'s last log lines when the server cannot start', async () => {
    const root = await project();
    const taken: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise<void>((done) => taken.close(() => done())));
    const failed = await start(root, { PB_PORT: String((taken.address() as { port: number }).port) }).then(() => '', (error: Error) => error.message);
    expect(failed).toMatch(/^exited 1:/);
    expect(failed).toMatch(/pocketbase exited with code \d+/);
    expect(failed).toMatch(/last log lines:\n\s+.*address already in use/i);
    expect(failed).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('stops loudly, exit code 1, when the server dies under it', async () => {
    const root = await project();
    const app = await start(root);
    const pid = execFileSync('pgrep', ['-f', `serve .*${join(root, 'pb_data')}`]).toString().trim().split('\n')[0]!;
    process.kill(Number(pid), 'SIGKILL');
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/the backend is gone\. pocketbase was killed by SIGKILL/);
  });

  it('upserts a superuser whose password starts with a dash, and never prints it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pbpages-managed-dash-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const superuser = { email: 'dash@pbpages.test', password: '-starts-with-a-dash-123' };
    const lines: string[] = [];
    const server = await startManagedPocketBase({ bin: requiredPocketbaseBinary(), dir, host: '127.0.0.1', port: 0, superuser, migrationsDir: join(dir, 'migrations'), log: (line) => lines.push(line) });
    cleanups.push(() => server.close());
    const pb = new PocketBase(server.url);
    await pb.collection('_superusers').authWithPassword(superuser.email, superuser.password);
    expect(pb.authStore.isValid).toBe(true);
    expect(lines.join('\n')).not.toContain(superuser.password);
  });
});
