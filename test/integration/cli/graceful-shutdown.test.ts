// SIGTERM on the built CLI (`node bin/pbpages.js start`): requests in flight finish, new ones are refused, exit code 0.
import { describe, expect, it } from 'vitest';
import { cliProject, getFresh, startCli } from '../helpers/cli.js';

// The page says on stdout when it has started, so the test signals only once the request is in flight.
const slowPage = '<script server>console.log("slow page started"); await new Promise((done) => setTimeout(done, Number(new URL(request.url, "http://x").searchParams.get("ms"))));</script><p>slow page done</p>';
const slowProject = (config: string) => cliProject({ 'pages/slow.ejs': slowPage, 'pbpages.config.mjs': `export default ${config};\n` });
const start = (root: string) => startCli(root, ['start']);

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function inFlight(output: () => string): Promise<void> {
  while (!output().includes('slow page started')) await sleep(20);
}

describe('pbpages start on SIGTERM', () => {
  it('finishes a request in flight, refuses new connections, then exits 0', async () => {
    const { child, url, exited, output } = await start(await slowProject('{}'));
    const slow = fetch(`${url}/slow?ms=3000`);
    await inFlight(output);
    child.kill('SIGTERM');
    // New connections are refused soon after the signal, while the slow request is still running.
    await expect.poll(() => getFresh(`${url}/slow?ms=0`).then(() => 'served', () => 'refused'), { timeout: 2000, interval: 50 }).toBe('refused');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('slow page done');
    expect(await exited).toBe(0);
  }, 60_000);

  it('cuts a request that outlasts shutdownTimeoutSeconds and still exits 0', async () => {
    const { child, url, exited, output } = await start(await slowProject('{ shutdownTimeoutSeconds: 1 }'));
    const slow = fetch(`${url}/slow?ms=20000`).then(
      (response) => response.text(),
      () => 'cut',
    );
    await inFlight(output);
    const signalled = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The 1 s timeout plus stopping the backend: far under the page's 20 s.
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(await slow).toBe('cut');
  }, 60_000);
});
