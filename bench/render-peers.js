// bench/render-peers: the servers bench/render.js compares pbpages with, in their own
// process (so the load generator and pbpages never share one with them). Given the
// templates folder as argv[2], it serves the same page three ways and prints one JSON line
// with their URLs:
//   expressRender   - Express 5 + EJS through res.render, view cache on (the Express guide's way);
//   expressCompiled - Express 5 with the templates compiled once at start-up by hand
//                     (ejs.compile with filename + cache, so include() hits EJS's cache):
//                     what a careful Express user writes;
//   raw             - node:http sending the prebuilt HTML (the ceiling for one process).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import express from 'express';

const views = process.argv[2];
const items = JSON.parse(readFileSync(join(views, 'items.json'), 'utf8'));

async function listen(server) {
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${server.address().port}`;
}

const rendering = express();
rendering.set('views', views);
rendering.set('view engine', 'ejs');
rendering.set('view cache', true);
const renderView = (name, data) => new Promise((done, fail) => rendering.render(name, data, (error, out) => (error ? fail(error) : done(out))));
rendering.get('/r5', async (_req, res) => {
  const slot = await renderView('list', { title: 'Bench', items });
  res.send(await renderView('layout', { title: 'Bench', slot }));
});

const compile = (name) => ejs.compile(readFileSync(join(views, `${name}.ejs`), 'utf8'), { filename: join(views, `${name}.ejs`), cache: true });
const layout = compile('layout');
const list = compile('list');
compile('item');
const compiled = express();
compiled.get('/r5', (_req, res) => {
  res.type('html').send(layout({ title: 'Bench', slot: list({ title: 'Bench', items }) }));
});

const html = layout({ title: 'Bench', slot: list({ title: 'Bench', items }) });
const raw = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
});

const urls = {
  expressRender: await listen(createServer(rendering)),
  expressCompiled: await listen(createServer(compiled)),
  raw: await listen(raw),
};
console.log(JSON.stringify(urls));
