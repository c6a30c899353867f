// SIGTERM on the built CLI (`node bin/pbpages.js start`): requests in flight finish, new ones are refused, exit code 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/app.js';
import { recordOutput } from '../../support/output-capture.js';

const cli = join(repoRoot, 'bin/pbpages.js');
const running: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function slowProject(config: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pbpages-shutdown-'));
  dirs.push(root);
  await mkdir(join(root, 'pages'), { recursive: true });
  await writeFile(join(root, 'pages', 'slow.ejs'), '<script server>await new Promise((done) => setTimeout(done, Number(new URL(request.url, "http://x").searchParams.get("ms"))));</script><p>slow page done</p>');
  await writeFile(join(root, 'pbpages.config.mjs'), `export default ${config};\n`);
  return root;
}

function start(root: string): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [cli, 'start'], { cwd: root, env: { ...process.env, PORT: '0', PB_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString();
    recordOutput(chunk.toString());
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /^pbpages: (http:\/\/\S+)/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, exited });
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('pbpages start on SIGTERM', () => {
  it('finishes a request in flight, refuses new connections, then exits 0', async () => {
    const { child, url, exited } = await start(await slowProject('{}'));
    const slow = fetch(`${url}/slow?ms=1500`);
    await sleep(400);
    child.kill('SIGTERM');
    await sleep(300);
    await expect(fetch(`${url}/slow?ms=0`)).rejects.toThrow();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('slow page done');
    expect(await exited).toBe(0);
  });

  it('cuts a request that outlasts shutdownTimeoutSeconds and still exits 0', async () => {
    const { child, url, exited } = await start(await slowProject('{ shutdownTimeoutSeconds: 1 }'));
    const slow = fetch(`${url}/slow?ms=20000`).then(
      (response) => response.text(),
      () => 'cut',
    );
    await sleep(400);
    const signalled = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Well under the page's 20 s; the backend child may take its own grace period to stop.
    expect(Date.now() - signalled).toBeLessThan(12_000);
    expect(await slow).toBe('cut');
  });
});
