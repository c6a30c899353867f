// bench/render: one page (a layout, a partial, a 20-item loop) served by pbpages, by
// Express 5 + EJS rendering the same templates, and by a raw node:http server
// sending the prebuilt HTML; plus pbpages with 1,000 routes vs 10. One run, one
// server at a time, autocannon at 50 connections. Run after `npm run build`.
// Prints a table and, last, one JSON line.
import { createServer } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import ejs from 'ejs';
import express from 'express';
import { resolveConfig } from '../dist/config.js';
import { startApp } from '../dist/server/app.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const items = Array.from({ length: 20 }, (_, i) => ({ id: i, title: `Item <${i}>`, done: i % 3 === 0 }));
const layout = `<!doctype html><html><head><title><%= title %></title></head><body><header>Bench</header><%- slot %></body></html>`;
const partial = `<li class="<%= item.done ? 'done' : 'open' %>"><%= item.title %></li>`;
const list = `<h1><%= title %></h1><ul><% for (const item of items) { %><%- include('item.ejs', { item }) %><% } %></ul>`;

async function project(routes) {
  const root = await mkdtemp(join(tmpdir(), 'pbpages-bench-render-'));
  const pages = join(root, 'pages');
  await mkdir(join(pages, '_private'), { recursive: true });
  await writeFile(join(pages, '+layout.ejs'), layout.replace('<%= title %>', "<%= meta('title') %>"));
  await writeFile(join(pages, '_private', 'item.ejs'), partial);
  const page = `<script server>meta('title', 'Bench'); const title = 'Bench'; const items = ${JSON.stringify(items)};</script>${list}`;
  for (let i = 0; i < routes; i++) await writeFile(join(pages, `r${i}.ejs`), page);
  return root;
}

async function measure(url) {
  const result = await autocannon({ url, connections: 50, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function listen(server) {
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${server.address().port}`;
}

const cleanup = [];
try {
  const small = await project(10);
  const large = await project(1000);
  cleanup.push(() => rm(small, { recursive: true, force: true }), () => rm(large, { recursive: true, force: true }));
  const config = resolveConfig({ port: 0 });
  const pb10 = await startApp({ root: small, config, log: () => {} });
  cleanup.push(() => pb10.close());
  const html = await (await fetch(`${pb10.url}/r5`)).text();

  // Express 5 + EJS: the same templates, compiled and cached the same way (view cache on).
  const views = await mkdtemp(join(tmpdir(), 'pbpages-bench-express-'));
  cleanup.push(() => rm(views, { recursive: true, force: true }));
  await writeFile(join(views, 'layout.ejs'), layout);
  await writeFile(join(views, 'item.ejs'), partial);
  await writeFile(join(views, 'list.ejs'), list);
  const app = express();
  app.set('views', views);
  app.set('view engine', 'ejs');
  app.set('view cache', true);
  const renderFile = (name, data) => new Promise((done, fail) => app.render(name, data, (error, out) => (error ? fail(error) : done(out))));
  app.get('/r5', async (_req, res) => {
    const slot = await renderFile('list', { title: 'Bench', items });
    res.send(await renderFile('layout', { title: 'Bench', slot }));
  });
  const expressServer = createServer(app);
  const expressUrl = await listen(expressServer);
  cleanup.push(() => new Promise((done) => expressServer.close(done)));
  const expressHtml = await (await fetch(`${expressUrl}/r5`)).text();
  if (expressHtml.replace(/\s/g, '') !== html.replace(/\s/g, '')) throw new Error('Express and pbpages render different HTML');

  const raw = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(html);
  });
  const rawUrl = await listen(raw);
  cleanup.push(() => new Promise((done) => raw.close(done)));

  const pbpagesRps = await measure(`${pb10.url}/r5`);
  const expressRps = await measure(`${expressUrl}/r5`);
  const rawRps = await measure(`${rawUrl}/r5`);
  const pb1000 = await startApp({ root: large, config, log: () => {} });
  cleanup.push(() => pb1000.close());
  const routes1000Rps = await measure(`${pb1000.url}/r5`);
  const routes10Rps = await measure(`${pb10.url}/r5`);

  const figures = {
    pbpagesRps: Math.round(pbpagesRps),
    expressRps: Math.round(expressRps),
    rawRps: Math.round(rawRps),
    routes10Rps: Math.round(routes10Rps),
    routes1000Rps: Math.round(routes1000Rps),
    vsExpress: Number((pbpagesRps / expressRps).toFixed(2)),
    vsRaw: Number((pbpagesRps / rawRps).toFixed(2)),
    routes1000vs10: Number((routes1000Rps / routes10Rps).toFixed(2)),
  };
  console.table([
    { server: 'pbpages (layout + partial + 20 items)', 'req/s': figures.pbpagesRps },
    { server: 'Express 5 + EJS, same templates', 'req/s': figures.expressRps },
    { server: 'raw node:http, prebuilt HTML', 'req/s': figures.rawRps },
    { server: 'pbpages, 10 routes', 'req/s': figures.routes10Rps },
    { server: 'pbpages, 1,000 routes', 'req/s': figures.routes1000Rps },
  ]);
  console.log(`vs Express ${figures.vsExpress}x (target >= 1.5), vs raw ${figures.vsRaw}x (target >= 0.6), 1,000 vs 10 routes ${figures.routes1000vs10}x (target >= 0.95)`);
  console.log(JSON.stringify({ bench: 'render', seconds, ...figures, targets: { vsExpress: 1.5, vsRaw: 0.6, routes1000vs10: 0.95 } }));
} finally {
  for (const step of cleanup.reverse()) await step();
}
