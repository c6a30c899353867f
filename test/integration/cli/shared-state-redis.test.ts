// Two `pbpages start` processes (the second with two workers) against one backend and one real redis-server: one guest quota, and a sign-out in one ends the cached session in the other.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/app.js';
import { cliProject, startCli, type RunningCli } from '../helpers/cli.js';
import { freePort } from '../../../src/cli/backend-process.js';
import { requireRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { recordOutput, registerSecret } from '../../support/output-capture.js';

const superuser = { email: 'root@pbpages.test', password: 'redis-test-superuser-pw' };
registerSecret(superuser.password);
registerSecret('redis-url-password');
const quota = 4;

const files = {
  'pbpages.config.mjs': `export default { auth: { anonymous: { rateLimit: { max: ${quota}, windowSeconds: 3600 } }, signInRateLimit: { perAccount: { max: 3, windowSeconds: 3600 } } } };\n`,
  'pages/sign-in.ejs':
    '<script server>try { await signInWithPassword("nobody@pbpages.test", "wrong-password-123"); } catch (e) { response.status(e.status ?? 500); }</script><p>tried</p>',
  'pages/index.ejs':
    '<script server>if (request.method === "POST") { try { await signInAnonymously(); } catch (e) { response.status(e.status ?? 500); } }</script><p id="who"><%= auth ? auth.id : "nobody" %></p>',
  'pages/sign-out.ejs': '<script server>if (request.method === "POST") await signOut({ everywhere: true });</script><p>signed out</p>',
};

const whoOf = (body: string) => /id="who">([^<]+)</.exec(body)![1]!;

const runRedis = requireRedis();

describe.skipIf(!runRedis)('two pbpages processes sharing REDIS_URL', () => {
  let redis: TestRedis;
  let backendUrl: string;
  let stopBackend: () => Promise<void>;
  let a: RunningCli;
  let b: RunningCli;

  beforeAll(async () => {
    redis = await startRedis();
    const root = await cliProject(files, 'file');
    const port = await freePort();
    backendUrl = `http://127.0.0.1:${port}`;
    const backend = spawn(process.execPath, [join(repoRoot, 'bin/pbpages.js'), 'backend', '--http', `127.0.0.1:${port}`, '--dir', join(root, 'pb_data')], {
      env: { ...process.env, PB_SUPERUSER_EMAIL: superuser.email, PB_SUPERUSER_PASSWORD: superuser.password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    backend.stdout!.on('data', (chunk: Buffer) => recordOutput(chunk.toString()));
    backend.stderr!.on('data', (chunk: Buffer) => recordOutput(chunk.toString()));
    stopBackend = async () => {
      const exited = new Promise((done) => backend.once('exit', done));
      backend.kill('SIGTERM');
      await exited;
    };
    for (let waited = 0; (await fetch(`${backendUrl}/api/health`).then((r) => r.status, () => 0)) !== 200; waited += 100) {
      if (waited > 15_000) throw new Error('the backend did not answer /api/health');
      await new Promise((done) => setTimeout(done, 100));
    }
    const env = { PB_URL: backendUrl, PB_SUPERUSER_EMAIL: superuser.email, PB_SUPERUSER_PASSWORD: superuser.password, REDIS_URL: redis.url };
    // One after the other: both run the (idempotent) schema set-up at start.
    a = await startCli(root, ['start'], env, 'file');
    // B runs two workers: each connects to Redis itself.
    b = await startCli(root, ['start', '--workers', '2'], env, 'file');
    expect(b.output()).toContain('limits: redis');
  });

  afterAll(async () => {
    for (const app of [a, b]) {
      if (app && app.child.exitCode === null) {
        app.child.kill('SIGTERM');
        await app.exited;
      }
    }
    await stopBackend?.();
    await redis?.stop();
  });

  it('honour a sign-out everywhere in one process in the other within a second, although it had cached the session', async () => {
    const signIn = await fetch(a.url, { method: 'POST', redirect: 'manual', headers: { Origin: a.url } });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    const guest = whoOf(await signIn.text());
    // B has verified the session and trusts its cache (verifyCacheSeconds, 30 s) from now on.
    expect(whoOf(await (await fetch(b.url, { headers: { Cookie: cookie } })).text())).toBe(guest);
    expect((await fetch(`${a.url}/sign-out`, { method: 'POST', redirect: 'manual', headers: { Origin: a.url, Cookie: cookie } })).status).toBe(200);
    const signedOut = Date.now();
    await expect
      .poll(async () => whoOf(await (await fetch(b.url, { headers: { Cookie: cookie } })).text()), { timeout: 1000, interval: 50 })
      .toBe('nobody');
    expect(Date.now() - signedOut).toBeLessThan(1000);
  });

  it('share the sign-in throttle: wrong passwords for one account, alternating between them, are refused after the third', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const app = i % 2 === 0 ? a : b;
      statuses.push((await fetch(`${app.url}/sign-in`, { method: 'POST', redirect: 'manual', headers: { Origin: app.url } })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });

  it('share the guest quota exactly (one guest already created above)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < quota + 1; i++) {
      const app = i % 2 === 0 ? a : b;
      statuses.push((await fetch(app.url, { method: 'POST', redirect: 'manual', headers: { Origin: app.url } })).status);
    }
    expect(statuses).toEqual([...Array<number>(quota - 1).fill(200), 429, 429]);
  });
});

describe('pbpages start with an unreachable REDIS_URL', () => {
  it('exits 1 naming the host, never the password', async () => {
    const root = await cliProject({ 'pages/index.ejs': '<p>hi</p>' });
    const port = await freePort();
    const result = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin/pbpages.js'), 'start'], {
      cwd: root,
      env: { ...process.env, PORT: '0', PB_PORT: '0', REDIS_URL: `redis://user:redis-url-password@127.0.0.1:${port}` },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(result).toMatchObject({ code: 1 });
    const { stdout, stderr } = result as { stdout: string; stderr: string };
    expect(stderr).toContain(`REDIS_URL: cannot reach Redis at 127.0.0.1:${port}`);
    expect(stdout + stderr).not.toContain('redis-url-password');
  });
});
