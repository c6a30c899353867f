/**
 * Page code cannot take the server down: `pbpages start` in its own process,
 * pages with the mistakes migrated PocketPages pages make (an auth call
 * without `await`, a throwing timer, a rejected promise nobody handles), then
 * the server still answers, and its log says which page did it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliProject, startCli, type RunningCli } from '../helpers/cli.js';

let app: RunningCli;

const pages: Record<string, string> = {
  'index.ejs': '<p>alive</p>',
  // Line 3 makes the call: the report must point there.
  'login.ejs': '<h1>Sign in</h1>\n<script server>\n  signInWithPassword("nobody@example.com", "not-the-password-123")\n</script>\n<p>after</p>',
  'timer.ejs': '<script server>setTimeout(() => { throw new Error("boom from a timer") }, 0)</script><p>timer</p>',
  'rejected.ejs': '<script server>Promise.reject(new Error("nobody handles this"))</script><p>rejected</p>',
};

beforeAll(async () => {
  const root = await cliProject(Object.fromEntries(Object.entries(pages).map(([name, source]) => [`pages/${name}`, source])), 'file');
  app = await startCli(root, ['start'], {}, 'file');
}, 40_000);

const waitFor = async (pattern: RegExp) => {
  for (let i = 0; i < 100 && !pattern.test(app.output()); i++) await new Promise((r) => setTimeout(r, 20));
  return app.output();
};

describe('a mistake in page code', () => {
  it('an unawaited auth call that fails answers 500 naming the page and line, and the next 100 requests succeed', async () => {
    const response = await fetch(`${app.url}/login`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('not-the-password');
    expect(await waitFor(/login\.ejs:3/)).toMatch(/pages\/login\.ejs:3: signInWithPassword\(\) failed and was not awaited/);
    const statuses = await Promise.all(Array.from({ length: 100 }, () => fetch(app.url).then((r) => r.status)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(app.child.exitCode).toBeNull();
  });

  it('a timer that throws and a rejection nobody handles are logged with the page, and the server keeps serving', async () => {
    expect((await fetch(`${app.url}/timer`)).status).toBe(200);
    expect((await fetch(`${app.url}/rejected`)).status).toBe(200);
    const log = await waitFor(/unhandled promise rejection[\s\S]*uncaught exception|uncaught exception[\s\S]*unhandled promise rejection/);
    expect(log).toMatch(/uncaught exception in pages\/timer\.ejs[^\n]*: Error: boom from a timer/);
    expect(log).toMatch(/unhandled promise rejection in pages\/rejected\.ejs[^\n]*: Error: nobody handles this/);
    const statuses = await Promise.all(Array.from({ length: 100 }, () => fetch(app.url).then((r) => r.status)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(app.child.exitCode).toBeNull();
  });
});
