// SIGTERM on the built CLI (`node bin/pbpages.js start`): requests in flight finish, new ones are refused, exit code 0.
import { describe, expect, it } from 'vitest';
import { cliProject, startCli } from '../helpers/cli.js';

const slowPage = '<script server>await new Promise((done) => setTimeout(done, Number(new URL(request.url, "http://x").searchParams.get("ms"))));</script><p>slow page done</p>';
const slowProject = (config: string) => cliProject({ 'pages/slow.ejs': slowPage, 'pbpages.config.mjs': `export default ${config};\n` });
const start = (root: string) => startCli(root, ['start']);

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
    // The 1 s timeout plus stopping the backend: far under the page's 20 s.
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(await slow).toBe('cut');
  });
});
