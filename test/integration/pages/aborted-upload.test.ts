/**
 * A client that disconnects in the middle of sending a body (a closed tab, a
 * dropped connection) is ordinary: neither the page server nor the embedded
 * backend logs a stack trace for it, and both keep serving.
 */
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { startEmbeddedBackend } from '../../../src/embedded/index.js';
import { startApp } from '../../../src/server/app.js';

const root = resolve(import.meta.dirname, '../../fixtures/apps/demo');
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** Sends the head and half the declared body of a POST, then drops the connection. */
async function abortMidBody(url: string, path: string): Promise<void> {
  const { hostname, port } = new URL(url);
  await new Promise<void>((done, fail) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`);
      socket.write('{"text":"' + 'x'.repeat(50_000));
      setTimeout(() => {
        socket.destroy();
        done();
      }, 100);
    });
    socket.on('error', fail);
  });
  // Let the server notice the reset and run its error path.
  await new Promise((done) => setTimeout(done, 300));
}

const stackLike = /\n\s+at |ECONNRESET|aborted/i;

describe('a client that disconnects mid-body', () => {
  it('logs no stack trace on the page server, which keeps serving', async () => {
    const logs: string[] = [];
    const app = await startApp({ root, config: resolveConfig({ port: 0 }), log: (line) => logs.push(line) });
    cleanups.push(() => app.close());
    await abortMidBody(app.url, '/');
    expect(logs.filter((line) => stackLike.test(line))).toEqual([]);
    expect((await fetch(`${app.url}/`)).status).toBe(200);
  });

  it('logs no stack trace in the embedded backend, which keeps serving', async () => {
    const logs: string[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'pbpages-abort-'));
    const backend = await startEmbeddedBackend({ dir, port: 0, log: (line) => logs.push(line) });
    cleanups.push(async () => {
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    });
    await abortMidBody(backend.url, '/api/collections/users/records');
    expect(logs.filter((line) => stackLike.test(line))).toEqual([]);
    expect((await fetch(`${backend.url}/api/health`)).status).toBe(200);
  });
});
