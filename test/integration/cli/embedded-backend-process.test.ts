/**
 * `pbpages start` runs the embedded backend as a child process: it names it in
 * the banner, stops loudly when the backend dies, and a page server killed
 * outright (SIGKILL, no clean-up) leaves no backend behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordOutput } from '../../support/output-capture.js';
import { repoRoot } from '../helpers/app.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(): Promise<{ child: ChildProcess; root: string; output: () => string; exit: Promise<number | null> }> {
  const root = await mkdtemp(join(tmpdir(), 'pbpages-backend-child-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'pages'));
  await writeFile(join(root, 'pages', 'index.ejs'), '<h1>hello</h1>');
  const child = spawn(process.execPath, [join(repoRoot, 'bin/pbpages.js'), 'start'], { cwd: root, env: { ...process.env, PORT: '0', PB_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString();
    recordOutput(chunk.toString());
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!/^pbpages: http/m.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`pbpages start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, root, output: () => output, exit };
}

function backendPids(root: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `backend .*${join(root, 'pb_data')}`]).toString().trim().split('\n').map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('the embedded backend in its own process', () => {
  it('is named in the banner and stops pbpages loudly when it dies', async () => {
    const app = await started();
    expect(app.output()).toMatch(/backend: http:\/\/127\.0\.0\.1:\d+ \(embedded \(pbpages \d+\.\d+\.\d+\)\)/);
    const [pid] = backendPids(app.root);
    process.kill(pid!, 'SIGKILL');
    expect(await app.exit).toBe(1);
    expect(app.output()).toMatch(/the backend is gone\. backend was killed by SIGKILL/);
  });

  it('goes away with a page server killed by SIGKILL', async () => {
    const app = await started();
    expect(backendPids(app.root)).toHaveLength(1);
    app.child.kill('SIGKILL');
    await app.exit;
    const deadline = Date.now() + 5_000;
    while (backendPids(app.root).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(backendPids(app.root)).toEqual([]);
  });
});
