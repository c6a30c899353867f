// Vitest setup file: everything a test worker writes to stdout/stderr is also captured for the secret scan.
import { recordOutput } from './output-capture.js';

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    recordOutput(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
