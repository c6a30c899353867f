// `pbpages start --workers N` on the built CLI: several page-server processes on one port, one backend.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/app.js';
import { cliProject, getFresh, postFresh, startCli } from '../helpers/cli.js';

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

  it('workers share one guest quota and all honour a sign-out everywhere, without Redis', async () => {
    const root = await cliProject({
      'pages/index.ejs': '<script server>if (request.method === "POST") { try { await signInAnonymously(); } catch (e) { response.status(e.status ?? 500); } }</script>' + page.slice(page.indexOf('</script>') + 9),
      'pages/sign-out.ejs': '<script server>if (request.method === "POST") await signOut({ everywhere: true });</script><p id="pid"><%= process.pid %></p>',
      'pbpages.config.mjs': 'export default { auth: { anonymous: { rateLimit: { max: 3, windowSeconds: 3600 } } } };\n',
    });
    const app = await startCli(root, ['start', '--workers', '2']);
    expect(app.output()).toContain('limits: cluster');
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await postFresh(app.url));
    expect(created.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    expect(new Set(created.map((r) => pidOf(r.body))).size).toBe(2);

    // Both workers cache the first guest's session ...
    const { cookie, body } = created[0]!;
    const guest = whoOf(body);
    const seen = new Map<string, string>();
    for (let i = 0; i < 6; i++) {
      const answer = await getFresh(app.url, { Cookie: cookie });
      seen.set(pidOf(answer.body), whoOf(answer.body));
    }
    expect([...seen.values()]).toEqual([guest, guest]);
    // ... and a sign-out everywhere in one worker makes the other forget it too.
    const signOut = await postFresh(`${app.url}/sign-out`, cookie);
    expect(signOut.status).toBe(200);
    for (let i = 0; i < 6; i++) {
      const answer = await getFresh(app.url, { Cookie: cookie });
      expect(whoOf(answer.body)).toBe('nobody');
    }
  });

  it('answers a metrics scrape from any worker with the requests of all workers', async () => {
    const root = await cliProject({ 'pages/index.ejs': page, 'pbpages.config.mjs': "export default { metrics: { enabled: true } };\n" });
    const app = await startCli(root, ['start', '--workers', '2']);
    const pids = new Set<string>();
    for (let i = 0; i < 6; i++) pids.add(pidOf((await getFresh(app.url)).body));
    expect(pids.size).toBe(2);
    for (let i = 0; i < 4; i++) {
      const scrape = await getFresh(`${app.url}/metrics`);
      expect(scrape.status).toBe(200);
      expect(scrape.body).toMatch(/pbpages_http_request_duration_seconds_count\{method="GET",route="\/",status="200"\} 6$/m);
    }
  });

  it('refuses a worker count that is not a whole number or auto', async () => {
    const result = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin/pbpages.js'), 'start', '--workers', 'two']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(result).toMatchObject({ code: 1 });
    expect((result as { stderr: string }).stderr).toContain('--workers takes a whole number from 1 or "auto", got "two"');
  });
});
