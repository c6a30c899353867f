/**
 * `PB_BIN=… pbpages start`: pbpages runs the real PocketBase itself, says which
 * backend and version serve, and stops loudly (exit code, the server's last
 * log lines) when the server cannot start or dies.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { afterEach, describe, expect, it } from 'vitest';
import { startManagedPocketBase } from '../../../src/cli/managed-backend.js';
import { requiredPocketbaseBinary } from '../../support/backend-kind.js';
import { recordOutput } from '../../support/output-capture.js';
import { repoRoot } from '../helpers/app.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function project(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pbpages-managed-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  await symlink(join(repoRoot, 'pages'), join(root, 'pages'));
  await symlink(join(repoRoot, 'pb_schema.json'), join(root, 'pb_schema.json'));
  await symlink(join(repoRoot, 'pb_hooks'), join(root, 'pb_hooks'));
  return root;
}

function start(root: string, env: Record<string, string> = {}): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/pbpages.js'), 'start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', PB_PORT: '0', PB_BIN: requiredPocketbaseBinary(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString();
    recordOutput(chunk.toString());
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => output, exit };
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a real PocketBase managed by pbpages start', () => {
  it('serves the starter app on it and names the backend and its version', async () => {
    const root = await project();
    const app = start(root);
    await until(() => /backend: .*\(PocketBase \d+\.\d+\.\d+\)/.test(app.output()));
    const url = /^pbpages: (http:\/\/\S+)/m.exec(app.output())![1]!;
    const guest = await fetch(url + '/', { method: 'POST', redirect: 'manual', headers: { Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'mode=anonymous' });
    expect(guest.status).toBe(303);
    expect(app.output()).toMatch(/\[pocketbase\] [^"]*Server started/);
    app.child.kill('SIGTERM');
    expect(await app.exit).toBe(0);
  });

  it('exits with the server\'s last log lines when the server cannot start', async () => {
    const root = await project();
    const taken: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise<void>((done) => taken.close(() => done())));
    const app = start(root, { PB_PORT: String((taken.address() as { port: number }).port) });
    expect(await app.exit).toBe(1);
    expect(app.output()).toMatch(/pocketbase exited with code \d+/);
    expect(app.output()).toMatch(/last log lines:\n\s+.*address already in use/i);
    expect(app.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('stops loudly, exit code 1, when the server dies under it', async () => {
    const root = await project();
    const app = start(root);
    await until(() => /^pbpages: http/m.test(app.output()));
    const pid = execFileSync('pgrep', ['-f', `serve .*${join(root, 'pb_data')}`]).toString().trim().split('\n')[0]!;
    process.kill(Number(pid), 'SIGKILL');
    expect(await app.exit).toBe(1);
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
