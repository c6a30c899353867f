/**
 * A PocketPages app moves over: the fixture tree in test/fixtures/pocketpages
 * (auth starter-like pages with only the README's edits, and one page per
 * difference) runs on the real runtime — embedded backend, auth extension,
 * the project's pbpages.config.ts — over real HTTP.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/cli/load-config.js';
import { createRuntime, type Runtime } from '../../../src/cli/runtime.js';
import { resolveConfig } from '../../../src/config.js';
import { startApp, type RunningApp } from '../../../src/server/app.js';
import { recordOutput } from '../../support/output-capture.js';
import { cookieHeader } from '../helpers/app.js';

const root = resolve(import.meta.dirname, '../../fixtures/pocketpages');
const logs: string[] = [];
let dataDir: string;
let runtime: Runtime;
let app: RunningApp;
let dev: RunningApp;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pbpages-pp-'));
  const log = (line: string) => {
    logs.push(line);
    recordOutput(line);
  };
  const config = { ...(await loadConfig(root, {})), port: 0, backendPort: 0, dataDir };
  runtime = await createRuntime({ root, config, log });
  app = await startApp({ root, config, extensions: runtime.extensions, pocketbaseUrl: runtime.pocketbaseUrl, log });
  dev = await startApp({ root, config, dev: true, extensions: runtime.extensions, pocketbaseUrl: runtime.pocketbaseUrl, log: () => {} });
});
afterAll(async () => {
  await app.close();
  await dev.close();
  await runtime.close();
  await rm(dataDir, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}, base: { url: string } = app) => fetch(base.url + path, { redirect: 'manual', ...init });
const text = async (path: string, init: RequestInit = {}) => (await get(path, init)).text();
const post = (path: string, fields: Record<string, string>, cookie = '') =>
  get(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, cookie }, body: new URLSearchParams(fields).toString() });
const between = (html: string, id: string) => new RegExp(`<pre id="${id}">([\\s\\S]*?)</pre>`).exec(html)?.[1];

describe('the auth starter, with only the documented edits', () => {
  const email = `starter-${Date.now()}@example.com`;
  const password = 'starter-password-123';

  it('registers, shows the account through an (api, next) middleware, logs out with an unawaited signOut(), and logs in again', async () => {
    const registered = await post('/auth/register', { identity: email, password });
    expect(registered.status).toBe(303);
    expect(registered.headers.get('location')).toBe('/');
    const cookie = cookieHeader(registered);
    expect(cookie).toContain('pb_auth=');

    const account = await text('/account', { headers: { cookie } });
    expect(account).toContain(`Welcome, ${email}`);
    expect(account).toContain('Status: unverified');
    expect(account).toContain('<a href="/auth/logout">Logout</a>');

    const out = await get('/auth/logout', { headers: { cookie } });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().some((line) => /^pb_auth=;/.test(line))).toBe(true);

    const guarded = await get('/account');
    expect(guarded.headers.get('location')).toBe('/auth/login');
    const flashed = await text('/auth/login', { headers: { cookie: cookieHeader(guarded) } });
    expect(flashed).toContain('<p class="flash">You must be logged in to access this page</p>');

    const wrong = await post('/auth/login', { mode: 'password', identity: email, password: 'not-it-12345' });
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('<mark>');
    const right = await post('/auth/login', { mode: 'password', identity: email, password });
    expect(right.status).toBe(303);
    expect(cookieHeader(right)).toContain('pb_auth=');
  });

  it('an unmigrated unawaited sign-in answers 500 naming the page and line, and says to add await (dev shows it)', async () => {
    expect((await get('/auth/login/unawaited')).status).toBe(500);
    expect(await text('/auth/login/unawaited')).not.toContain('wrong-password');
    const devPage = await (await get('/auth/login/unawaited', {}, dev)).text();
    expect(devPage).toContain('pages/auth/login/unawaited.ejs:5: signInWithPassword() failed and was not awaited');
    expect(devPage).toContain('write `await signInWithPassword(...)`');
    expect(logs.join('\n')).toContain('pages/auth/login/unawaited.ejs:5');
  });

  it('does not mistake an awaited call that fails at once for an unawaited one', async () => {
    const response = await get('/awaited');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<p id="caught">refused at once</p>');
  });

  it('points an unawaited call made in a partial at the partial and its line', async () => {
    const devPage = await (await get('/auth/login/from-partial', {}, dev)).text();
    expect(devPage).toContain('pages/auth/login/_private/sign-in-now.ejs:2: signInWithPassword() failed and was not awaited');
  });
});

describe('each PocketPages difference, now matched', () => {
  it('merges query values into params (route params win) and reads [product-id]', async () => {
    const html = await text('/products/p-42?sort=price&product-id=evil');
    expect(html).toContain('<p id="product">p-42</p>');
    expect(html).toContain('<p id="sort">price</p>');
  });

  it('resolves asset() from the template folder, and /paths from the pages root', async () => {
    expect(await text('/docs')).toMatch(/<img src="\/docs\/diagram\.svg\?v=[\w-]+">/);
    expect(await text('/products/p-1')).toMatch(/<p id="photo">\/products\/\[product-id\]\/photo\.svg\?v=[\w-]+<\/p>/);
    expect(await text('/')).toMatch(/href="\/site\.css\?v=[\w-]+"/);
  });

  it('does not route -file.ejs', async () => {
    expect((await get('/-draft')).status).toBe(404);
  });

  it('merges a +middleware return value into data, and the (api, next) form passes next(extra) or answers', async () => {
    expect(JSON.parse(between(await text('/mw'), 'data')!.replace(/&#34;/g, '"'))).toEqual({ section: 'mw', nested: { from: 'middleware' } });
    expect(JSON.parse(between(await text('/mw/next'), 'data')!.replace(/&#34;/g, '"'))).toEqual({ section: 'mw', nested: { from: 'middleware', also: 'next' }, viaNext: true });
    const stopped = await get('/mw/next?stop=1');
    expect(stopped.status).toBe(303);
    const stuck = await (await get('/mw/stuck', {}, dev)).text();
    expect(stuck).toContain('mw/stuck/+middleware.js: a middleware taking (api, next) must call next() or answer');
  });

  it('runs +load then the method file (+get.js / +post.js), written as CommonJS', async () => {
    expect(between(await text('/methods'), 'data')).toBe('{&#34;loaded&#34;:&#34;load&#34;,&#34;method&#34;:&#34;get&#34;}');
    expect(between(await (await post('/methods', { name: 'Ada' })).text(), 'data')).toBe('{&#34;loaded&#34;:&#34;load&#34;,&#34;method&#34;:&#34;post&#34;,&#34;name&#34;:&#34;Ada&#34;}');
  });

  it('takes response.json(201, data) and response.html(404, html) in PocketPages order, and response.write()', async () => {
    const json = await get('/respond/json');
    expect(json.status).toBe(201);
    expect(await json.json()).toEqual({ created: true });
    const html = await get('/respond/html');
    expect(html.status).toBe(404);
    expect(await html.text()).toBe('<h1>Gone</h1>');
    const written = await get('/respond/write');
    expect(written.headers.get('content-type')).toBe('text/plain');
    expect((await written.text()).startsWith('line one\nline two\n')).toBe(true);
  });

  it('sends a file with response.file(), and none outside the project folder', async () => {
    const file = await get('/respond/file');
    expect(file.headers.get('content-type')).toContain('text/css');
    expect(await file.text()).toContain('font-family');
    const outside = await get('/respond/outside', {}, dev);
    expect(outside.status).toBe(500);
    expect(await outside.text()).toContain('response.file() sends files inside the project folder only.');
  });

  it('does not wrap JSON output or a non-HTML content type in the layout', async () => {
    const json = await get('/api/status?id=7');
    expect(json.headers.get('content-type')).toContain('application/json');
    expect(await json.json()).toEqual({ ok: true, id: '7' });
    const feed = await get('/feed');
    expect(feed.headers.get('content-type')).toBe('application/rss+xml');
    expect(await feed.text()).toMatch(/^<\?xml/);
  });

  it('renders .md pages with marked, after EJS, with the frontmatter in meta', async () => {
    const html = await text('/about');
    expect(html).toContain('<title>About us</title>');
    expect(html).toContain('<h1>About PocketPages</h1>');
    expect(html).toContain('<em>Markdown</em>');
    expect(html).not.toContain('tags:');
  });

  it('renders a Markdown partial included from _private/, without its frontmatter', async () => {
    const html = await text('/docs');
    expect(html).toContain('<nav class="toc"><ul>\n<li><a href="/docs">Start</a></li>');
    expect(html).not.toContain('title: Contents');
  });

  it('has request.header/url.query/cookies(name), response.header getter, env, stringify, url, echo, resolve and store', async () => {
    const filters = encodeURIComponent(JSON.stringify({ category: 'books' }));
    const response = await get(`/request?filters=${filters}&page=2`, {
      headers: { 'x-test': 'hello', cookie: `prefs=${encodeURIComponent(JSON.stringify({ theme: 'dark' }))}; plain=text` },
    });
    const html = await response.text();
    expect(response.headers.get('x-seen')).toBe('yes');
    expect(between(html, 'header')).toBe('hello|true');
    expect(between(html, 'url')).toBe('/request|books|2');
    expect(between(html, 'cookie')).toBe('dark|text');
    expect(between(html, 'response-header')).toBe('yes|true');
    expect(between(html, 'env')).toBe('true');
    expect(between(html, 'stringify')).toBe('{&#34;name&#34;:&#34;loop&#34;,&#34;self&#34;:&#34;[Circular]&#34;}');
    expect(between(html, 'url-fn')).toBe('1|x,y');
    expect(between(html, 'echo')).toBe('{"a":1} and 2');
    expect(between(html, 'resolve')).toBe('HI!');
    expect(between(html, 'visits')).toBe('number');
    expect(logs.some((line) => line.startsWith('[info] request page rendered for {"path":"/request"}'))).toBe(true);
  });

  it('calls formData() and request.body() as functions, and carries redirect messages on params.__flash', async () => {
    const sent = await post('/form', { name: 'Ada' });
    expect(sent.status).toBe(303);
    expect(await text('/', { headers: { cookie: cookieHeader(sent) } })).toContain('<p class="flash">Thanks, Ada</p>');
  });

  it('adds context functions from extensions listed in pbpages.config.ts', async () => {
    expect(await text('/')).toContain('<p>Hello, PocketPages!</p>');
  });
});

describe('safety kept while matching PocketPages', () => {
  it('refuses include() of a name from the query that leaves pages/, without the file or any host path', async () => {
    const response = await get('/partial?name=../../../../../../etc/hostname');
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('refused');
    expect(body).not.toContain(root);
    expect((await get('/partial?name=%2e%2e%2f%2e%2e%2fpbpages.config.ts')).status).toBe(400);
  });

  it('shows a 4xx thrown in a template without the absolute template path or source excerpt in production', async () => {
    const response = await get('/bad-input');
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('That name is not allowed.');
    expect(body).not.toContain(root);
    expect(body).not.toContain('.ejs');
    expect(body).not.toContain('problem.status');
  });

  it('stops start-up when pages/+config.js exists, pointing to pbpages.config.ts', async () => {
    const project = await mkdtemp(join(tmpdir(), 'pbpages-ppcfg-'));
    try {
      await mkdir(join(project, 'pages'));
      await writeFile(join(project, 'pages', '+config.js'), 'module.exports = { plugins: [] }');
      await expect(startApp({ root: project, config: resolveConfig({ port: 0 }), log: () => {} })).rejects.toThrow(/\+config\.js is PocketPages' configuration[\s\S]*pbpages\.config\.ts/);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});
