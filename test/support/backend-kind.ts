/**
 * Which backend a suite runs against: `PB_BACKEND=embedded` (default) or
 * `PB_BACKEND=pocketbase`, the real server from `npm run pocketbase:install`
 * (or `PB_BIN`). The Vitest config runs the shared suites once per backend.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export type BackendKind = 'embedded' | 'pocketbase';

export const backendKind: BackendKind = process.env.PB_BACKEND === 'pocketbase' ? 'pocketbase' : 'embedded';

const installed = resolve(import.meta.dirname, '../../.pocketbase/bin/pocketbase');

/** The real PocketBase binary: `PB_BIN`, else the one `npm run pocketbase:install` put in `.pocketbase/`. */
export function pocketbaseBinary(): string | undefined {
  if (process.env.PB_BIN) return process.env.PB_BIN;
  return existsSync(installed) ? installed : undefined;
}

/** The binary for a suite running with `PB_BACKEND=pocketbase`; missing, that is a setup error that says what to do. */
export function requiredPocketbaseBinary(): string {
  const bin = pocketbaseBinary();
  if (!bin) throw new Error('PB_BACKEND=pocketbase needs the real PocketBase: run `npm run pocketbase:install` (or set PB_BIN).');
  return bin;
}
