/**
 * Captures what the test suite prints and the log lines of the apps it runs,
 * plus the secrets the tests know (superuser passwords, tokens), so that the
 * global teardown can prove no secret ever reached a log line.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function dir(): string {
  const path = process.env.PBPAGES_TEST_OUTPUT_DIR ?? join(tmpdir(), 'pbpages-test-output');
  mkdirSync(path, { recursive: true });
  return path;
}

/** Records printed output or log lines from one source. */
export function recordOutput(text: string): void {
  appendFileSync(join(dir(), `output-${process.pid}.log`), text.endsWith('\n') ? text : `${text}\n`);
}

/** Declares a value that must never appear in any captured output. */
export function registerSecret(secret: string): void {
  if (secret.length >= 8) appendFileSync(join(dir(), `secrets-${process.pid}.txt`), `${JSON.stringify(secret)}\n`);
}
