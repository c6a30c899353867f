/**
 * The backend runs in its own process under `pbpages start`: while it chews
 * hostile request bodies (sent straight to it, as anyone who can reach its port
 * may), pages keep answering. In one process, one nested 30 MiB body froze page
 * rendering for 7.5 s.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

/**
 * Another process posts four flat JSON objects of about 24 MiB each (expensive to parse, within
 * PocketBase's 32 MiB body limit) straight to the backend and prints their statuses, so building
 * and sending them costs this process nothing while it times the pages.
 */
function hostileSender(backendUrl: string): { statuses: Promise<number[]> } {
  const script = `
    const entry = '"k":"' + 'x'.repeat(1000) + '",';
    const parts = Array.from({ length: Math.floor((24 * 1024 * 1024) / entry.length) }, (_, i) => '"k' + i + entry.slice(2));
    const body = '{' + parts.join('') + '"end":1}';
    const post = () => fetch(process.argv[1] + '/api/collections/users/records', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
      .then((r) => r.status, () => 0);
    Promise.all([post(), post(), post(), post()]).then((statuses) => console.log(JSON.stringify(statuses)));`;
  const child = spawn(process.execPath, ['-e', script, backendUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { statuses: new Promise((resolve) => child.on('exit', () => resolve(JSON.parse(output || '[]') as number[]))) };
}

describe('pages while the backend chews hostile bodies', () => {
  it('keep answering the home page quickly', async () => {
    const sender = hostileSender(app.pocketbaseUrl);
    const timings: number[] = [];
    let settled = false;
    void sender.statuses.then(() => (settled = true));
    while (!settled || timings.length < 20) {
      const started = performance.now();
      const page = await fetch(app.url + '/');
      await page.text();
      expect(page.status).toBe(200);
      timings.push(performance.now() - started);
      if (timings.length >= 300) break;
    }
    const statuses = await sender.statuses;
    expect(statuses).toHaveLength(4);
    expect(statuses.every((status) => status >= 400 && status < 500)).toBe(true);
    timings.sort((a, b) => a - b);
    // Nine in ten pages under 100 ms and none stalled. (Measured on a quiet machine: slowest page 800 ms
    // with the backend in the page server's process, about 200 ms with it in its own; a loaded machine
    // adds outliers to both, so the bound on the slowest is the freeze this guards against.)
    expect(timings[Math.floor(timings.length * 0.9)]).toBeLessThan(100);
    expect(timings.at(-1)).toBeLessThan(1000);
  });
});
