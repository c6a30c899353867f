/**
 * `pbpages start` runs the embedded backend as a child process: it names it in
 * the banner, stops loudly when the backend dies, and a page server killed
 * outright (SIGKILL, no clean-up) leaves no backend behind.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliProject, startCli } from '../helpers/cli.js';

function backendPids(root: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `backend .*${join(root, 'pb_data')}`]).toString().trim().split('\n').map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('the embedded backend in its own process', () => {
  it('is named in the banner and stops pbpages loudly when it dies', async () => {
    const root = await cliProject({ 'pages/index.ejs': '<h1>hello</h1>' });
    const app = await startCli(root, ['start']);
    expect(app.output()).toMatch(/backend: http:\/\/127\.0\.0\.1:\d+ \(embedded \(pbpages \d+\.\d+\.\d+\)\)/);
    const [pid] = backendPids(root);
    process.kill(pid!, 'SIGKILL');
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/the backend is gone\. backend was killed by SIGKILL/);
  });

  it('goes away with a page server killed by SIGKILL', async () => {
    const root = await cliProject({ 'pages/index.ejs': '<h1>hello</h1>' });
    const app = await startCli(root, ['start']);
    expect(backendPids(root)).toHaveLength(1);
    app.child.kill('SIGKILL');
    await app.exited;
    const deadline = Date.now() + 5_000;
    while (backendPids(root).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(backendPids(root)).toEqual([]);
  });
});
