import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/app.js';
import { cliProject, startCli } from '../helpers/cli.js';

const cli = join(repoRoot, 'bin/pbpages.js');

const project = () =>
  cliProject({
    'pages/index.ejs': '<html><body><h1>first</h1><link href="<%= asset(\'assets/site.css\') %>"></body></html>',
    'pages/assets/site.css': 'h1 { color: teal }',
  });

const run = async (root: string, command: string) => (await startCli(root, [command])).url;

describe('the pbpages command line', () => {
  it('dev injects the live-reload client and serves changed and new pages without a restart', async () => {
    const root = await project();
    const url = await run(root, 'dev');
    const first = await (await fetch(url)).text();
    expect(first).toContain('<h1>first</h1>');
    expect(first).toContain('/@vite/client');
    expect((await fetch(`${url}/@vite/client`)).status).toBe(200);
    await writeFile(join(root, 'pages', 'index.ejs'), '<html><body><h1>second</h1></body></html>');
    await writeFile(join(root, 'pages', 'added.ejs'), '<p>added</p>');
    await expect.poll(async () => (await fetch(url)).text(), { timeout: 5000 }).toContain('<h1>second</h1>');
    await expect.poll(async () => (await fetch(`${url}/added`)).status, { timeout: 5000 }).toBe(200);
  });

  it('build hashes client assets, and start serves them as immutable through asset()', async () => {
    const root = await project();
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'build'], { cwd: root });
    expect(stdout).toContain('pbpages build: 1 asset(s)');
    const url = await run(root, 'start');
    const html = await (await fetch(url)).text();
    expect(html).not.toContain('/@vite/client');
    const href = /href="([^"]+)"/.exec(html)![1]!;
    expect(href).toMatch(/^\/_pbpages\/assets\/site-[\w-]+\.css$/);
    const asset = await fetch(url + href);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toContain('teal');
  });

  it('fails with a clear message on an unknown command', async () => {
    const result = await promisify(execFile)(process.execPath, [cli, 'deploy']).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({ code: 1 });
    expect((result as { stderr: string }).stderr).toContain('unknown command "deploy"');
  });
});
