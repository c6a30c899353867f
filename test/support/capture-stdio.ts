// Vitest setup file: everything a test worker prints (console or raw stdout/stderr) is also captured for the secret scan.
import { format } from 'node:util';
import { recordOutput } from './output-capture.js';

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    recordOutput(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

// Vitest routes console calls in workers around process.stdout, so they are captured here too.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    recordOutput(format(...args));
    original(...args);
  };
}
