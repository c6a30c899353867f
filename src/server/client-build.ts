/**
 * @module server/client-build
 * The output of `pbpages build`: client assets from `pages/` built by Vite with
 * hashed names into `.pbpages/client/`, and the manifest that maps a source
 * path (what `asset()` is given) to its built file. Built files never change
 * under a name, so they are served as immutable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const clientOutDir = (root: string): string => join(root, '.pbpages', 'client');
export const builtPrefix = '/_pbpages/';

/** Source path (relative to pages/, no leading slash) → URL of the built file; empty without a build. */
export function readClientManifest(root: string): Map<string, string> {
  const file = join(clientOutDir(root), '.vite', 'manifest.json');
  const map = new Map<string, string>();
  if (!existsSync(file)) return map;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { file: string; src?: string; isEntry?: boolean }>;
  for (const [source, entry] of Object.entries(manifest)) {
    if (entry.isEntry) map.set(source, `${builtPrefix}${entry.file}`);
  }
  return map;
}
