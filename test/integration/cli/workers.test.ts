// `pbpages start --workers N` on the built CLI: several page-server processes on one port, one backend.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/app.js';
import { cliProject, getFresh, startCli } from '../helpers/cli.js';

const page = '<script server>if (request.method === "POST") await signInAnonymously();</script><p id="pid"><%= process.pid %></p><p id="who"><%= auth ? auth.id : "nobody" %></p>';

const pidOf = (body: string) => /id="pid">(\d+)</.exec(body)![1]!;
const whoOf = (body: string) => /id="who">([^<]+)</.exec(body)![1]!;

describe('pbpages start --workers', () => {
  it('serves one port from two worker processes that share one backend', async () => {
    const root = await cliProject({ 'pages/index.ejs': page });
    const app = await startCli(root, ['start', '--workers', '2']);
    expect(app.output()).toContain('2 workers');
    const signIn = await fetch(app.url, { method: 'POST', redirect: 'manual', headers: { Origin: app.url } });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    const guest = whoOf(await signIn.text());
    const pids = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const { status, body } = await getFresh(app.url, { Cookie: cookie });
      expect(status).toBe(200);
      pids.add(pidOf(body));
      // Every worker verifies the session against the same backend, so every one knows this guest.
      expect(whoOf(body)).toBe(guest);
    }
    expect(pids.size).toBe(2);
    expect(pids.has(String(app.child.pid))).toBe(false);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('refuses a worker count that is not a whole number or auto', async () => {
    const result = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin/pbpages.js'), 'start', '--workers', 'two']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(result).toMatchObject({ code: 1 });
    expect((result as { stderr: string }).stderr).toContain('--workers takes a whole number from 1 or "auto", got "two"');
  });
});
