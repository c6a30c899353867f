/**
 * @module cli/backend-process
 * A backend in a child process: the embedded backend (`pbpages backend`) or a
 * real PocketBase binary. Either way the page server's event loop never parses
 * a backend request body, a backend crash cannot take the pages down with it,
 * and the backend's log lines come out prefixed with its name.
 *
 * Start-up waits for `GET /api/health`; a child that exits first, or is not
 * healthy in time, is an error carrying its exit code and last log lines. A
 * child that dies later is reported through `onExit` so the CLI can stop loudly
 * instead of serving pages against nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface BackendProcess {
  url: string;
  /** Stops the child (SIGTERM, SIGKILL after a grace period) and waits for it. */
  close(): Promise<void>;
}

export interface BackendProcessOptions {
  /** Used in log prefixes and errors, e.g. `pocketbase`. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** The address the child will listen on (its health is polled there). */
  url: string;
  log: (line: string) => void;
  /** Called when the child exits on its own after it became healthy. */
  onExit?: (detail: string) => void;
  /** An IPC channel lets a Node child notice that its parent died (see `pbpages backend`). */
  ipc?: boolean;
  readyTimeoutMs?: number;
}

const keptLines = 20;
const stopGraceMs = 5_000;

/** A port that was free a moment ago, for children that must be told their port up front. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * @example
 * const backend = await startBackendProcess({ name: 'pocketbase', command: bin, args: ['serve', '--http', '127.0.0.1:8090'],
 *   url: 'http://127.0.0.1:8090', log: console.log });
 */
export async function startBackendProcess(options: BackendProcessOptions): Promise<BackendProcess> {
  const { name, log } = options;
  const lines: string[] = [];
  const child = spawn(options.command, options.args, {
    env: options.env ?? process.env,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  const record = (text: string) => {
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > keptLines) lines.shift();
      log(`[${name}] ${line}`);
    }
  };
  forwardLines(child, record);

  let closing = false;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not be started: ${error.message}`));
    child.once('exit', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  });
  const lastLines = () => (lines.length ? `\nIts last log lines:\n  ${lines.join('\n  ')}` : '\nIt printed nothing.');

  const ready = await Promise.race([
    waitForHealth(options.url, options.readyTimeoutMs ?? 30_000, () => child.exitCode === null && child.signalCode === null).then((ok) => (ok ? 'ready' : 'timeout')),
    exited,
  ]);
  if (ready !== 'ready') {
    child.kill('SIGKILL');
    const why = ready === 'timeout' ? `did not answer ${options.url}/api/health within ${(options.readyTimeoutMs ?? 30_000) / 1000} s` : ready;
    throw new Error(`${name} ${why}.${lastLines()}`);
  }
  void exited.then((detail) => {
    if (!closing) options.onExit?.(`${name} ${detail}.${lastLines()}`);
  });

  return {
    url: options.url,
    async close() {
      closing = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

function forwardLines(child: ChildProcess, record: (text: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const text = pending + chunk;
      const end = text.lastIndexOf('\n');
      pending = end === -1 ? text : text.slice(end + 1);
      if (end !== -1) record(text.slice(0, end));
    });
    stream?.on('end', () => pending && record(pending));
  }
}

async function waitForHealth(url: string, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
