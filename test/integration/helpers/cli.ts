/**
 * Runs the built CLI (`node bin/pbpages.js ...`) in a project folder on free
 * ports, waits for its banner, captures its output for the secret scan, and
 * stops what is still running (and removes the projects) after each test, or
 * after the file for what a `beforeAll` started (`scope: 'file'`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { repoRoot } from './app.js';
import { recordOutput } from '../../support/output-capture.js';

const cli = join(repoRoot, 'bin/pbpages.js');
export type Scope = 'test' | 'file';
const started: Record<Scope, { running: ChildProcess[]; dirs: string[] }> = { test: { running: [], dirs: [] }, file: { running: [], dirs: [] } };

async function cleanUp(scope: Scope): Promise<void> {
  for (const child of started[scope].running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  }
  for (const dir of started[scope].dirs.splice(0)) await rm(dir, { recursive: true, force: true });
}
afterEach(() => cleanUp('test'));
afterAll(() => cleanUp('file'));

/** A temporary project with the given files (paths relative to its root). */
export async function cliProject(files: Record<string, string>, scope: Scope = 'test'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pbpages-cli-'));
  started[scope].dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

export interface RunningCli {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

/** `pbpages <args>` in `root`; resolves once it has printed its banner (`pbpages: <url>` and the mode line). */
export function startCli(root: string, args: string[], env: Record<string, string> = {}, scope: Scope = 'test'): Promise<RunningCli> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, PORT: '0', PB_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started[scope].running.push(child);
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
      // The banner: the URL, then the mode line.
      const match = /^pbpages: (http:\/\/\S+)\n\s+mode: .*\n/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output, exited });
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
}

/** A GET on a new connection (no keep-alive), so a cluster may hand each one to another worker. */
export function getFresh(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { Connection: 'close', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A same-origin form POST on a new connection; answers with the session cookie it set, for the next request. */
export function postFresh(url: string, cookie = ''): Promise<{ status: number; body: string; cookie: string }> {
  return new Promise((resolve, reject) => {
    const origin = new URL(url).origin;
    const headers: Record<string, string> = { Connection: 'close', Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '0' };
    if (cookie) headers['Cookie'] = cookie;
    const req = request(url, { method: 'POST', agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const set = (res.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]!).filter((pair) => !pair.endsWith('='));
        resolve({ status: res.statusCode ?? 0, body, cookie: set.join('; ') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
