/**
 * Vitest global setup: gives the run a fresh capture folder and, when every
 * test has finished, fails the run if any captured line holds a declared
 * secret or anything shaped like a JWT.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const jwt = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/;

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'pbpages-test-output-'));
  process.env.PBPAGES_TEST_OUTPUT_DIR = dir;
  return () => {
    const files = readdirSync(dir);
    const secrets = files
      .filter((f) => f.startsWith('secrets-'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string));
    const leaks: string[] = [];
    let lines = 0;
    for (const file of files.filter((f) => f.startsWith('output-'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        lines++;
        if (jwt.test(line)) leaks.push(`a JWT in: ${line.replace(jwt, '<JWT>').slice(0, 200)}`);
        const secret = secrets.find((s) => line.includes(s));
        if (secret) leaks.push(`a declared secret in: ${line.split(secret).join('<SECRET>').slice(0, 200)}`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
    if (leaks.length > 0) {
      // Vitest reports a throwing teardown but keeps exit code 0, so fail the process ourselves.
      process.exitCode = 1;
      throw new Error(`Secrets reached the output of the test run:\n${leaks.join('\n')}`);
    }
    console.log(`secret scan: ${lines} captured lines, ${secrets.length} declared secrets, no leaks`);
  };
}
