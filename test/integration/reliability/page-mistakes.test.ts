/**
 * Page code cannot take the server down: `pbpages start` in its own process,
 * pages with the mistakes migrated PocketPages pages make (an auth call
 * without `await`, a throwing timer, a rejected promise nobody handles), then
 * the server still answers, and its log says which page did it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/app.js';
import { recordOutput } from '../../support/output-capture.js';

let child: ChildProcess;
let root: string;
let url: string;
let output = '';

const pages: Record<string, string> = {
  'index.ejs': '<p>alive</p>',
  // Line 3 makes the call: the report must point there.
  'login.ejs': '<h1>Sign in</h1>\n<script server>\n  signInWithPassword("nobody@example.com", "not-the-password-123")\n</script>\n<p>after</p>',
  'timer.ejs': '<script server>setTimeout(() => { throw new Error("boom from a timer") }, 0)</script><p>timer</p>',
  'rejected.ejs': '<script server>Promise.reject(new Error("nobody handles this"))</script><p>rejected</p>',
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pbpages-mistakes-'));
  await mkdir(join(root, 'pages'), { recursive: true });
  for (const [name, source] of Object.entries(pages)) await writeFile(join(root, 'pages', name), source);
  child = spawn(process.execPath, [join(repoRoot, 'bin/pbpages.js'), 'start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', PB_PORT: '0', PB_DATA_DIR: join(root, 'pb_data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const capture = (chunk: Buffer) => {
    output += chunk.toString();
    recordOutput(chunk.toString());
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /^pbpages: (http:\/\/\S+)/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
}, 40_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  await rm(root, { recursive: true, force: true });
});

const waitFor = async (pattern: RegExp) => {
  for (let i = 0; i < 100 && !pattern.test(output); i++) await new Promise((r) => setTimeout(r, 20));
  return output;
};

describe('a mistake in page code', () => {
  it('an unawaited auth call that fails answers 500 naming the page and line, and the next 100 requests succeed', async () => {
    const response = await fetch(`${url}/login`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('not-the-password');
    expect(await waitFor(/login\.ejs:3/)).toMatch(/pages\/login\.ejs:3: signInWithPassword\(\) failed and was not awaited/);
    const statuses = await Promise.all(Array.from({ length: 100 }, () => fetch(url).then((r) => r.status)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(child.exitCode).toBeNull();
  });

  it('a timer that throws and a rejection nobody handles are logged with the page, and the server keeps serving', async () => {
    expect((await fetch(`${url}/timer`)).status).toBe(200);
    expect((await fetch(`${url}/rejected`)).status).toBe(200);
    const log = await waitFor(/unhandled promise rejection[\s\S]*uncaught exception|uncaught exception[\s\S]*unhandled promise rejection/);
    expect(log).toMatch(/uncaught exception in pages\/timer\.ejs[^\n]*: Error: boom from a timer/);
    expect(log).toMatch(/unhandled promise rejection in pages\/rejected\.ejs[^\n]*: Error: nobody handles this/);
    const statuses = await Promise.all(Array.from({ length: 100 }, () => fetch(url).then((r) => r.status)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(child.exitCode).toBeNull();
  });
});
