/**
 * @module auth/guest-schema
 * `pbpages setup`: imports the project's `pb_schema.json` (when present) and
 * makes sure the guest collection has the `anonymous` bool field that API
 * rules test (`@request.auth.anonymous = false`). Runs as superuser through the
 * SDK's collections API, so it works the same on a real PocketBase.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectionModel } from 'pocketbase';
import type { SuperuserClient } from '../pocketbase/superuser-client.js';

export interface SetupResult {
  /** Collections found in `pb_schema.json` and imported (0 when there is no file). */
  imported: number;
  /** True when the `anonymous` field had to be added. */
  addedAnonymousField: boolean;
}

/**
 * @example
 * await setupGuestSchema({ superuser, root: process.cwd(), collection: 'users', log: console.log });
 */
export async function setupGuestSchema(options: {
  superuser: SuperuserClient;
  root: string;
  collection: string;
  log: (line: string) => void;
}): Promise<SetupResult> {
  const { superuser, collection, log } = options;
  const collections = await readSchemaFile(join(options.root, 'pb_schema.json'));
  if (collections.length > 0) {
    await superuser.run((pb) => pb.collections.import(collections, false));
    log(`setup: imported ${collections.length} collection(s) from pb_schema.json`);
  }
  const existing = await superuser.run((pb) => pb.collections.getOne(collection));
  if (existing.type !== 'auth') {
    throw new Error(`setup: collection "${collection}" is not an auth collection.`);
  }
  const hasField = existing.fields.some((field) => field.name === 'anonymous');
  if (!hasField) {
    await superuser.run((pb) =>
      pb.collections.update(collection, {
        fields: [...existing.fields, { name: 'anonymous', type: 'bool', required: false, hidden: false, system: false }],
      }),
    );
    log(`setup: added the "anonymous" field to "${collection}"`);
  }
  await guardAnonymousField(superuser, collection, existing.updateRule ?? null, log);
  return { imported: collections.length, addedAnonymousField: !hasField };
}

/**
 * A guest could otherwise PATCH itself to `anonymous: false` and pass rules
 * meant for permanent accounts. The update rule is extended so only
 * superusers (who bypass rules: the upgrade path) may touch the field. A rule
 * that already mentions `anonymous` is the owner's choice and left alone.
 */
async function guardAnonymousField(
  superuser: SuperuserClient,
  collection: string,
  updateRule: string | null,
  log: (line: string) => void,
): Promise<void> {
  if (updateRule === null || updateRule.includes('anonymous')) return;
  const guard = '@request.body.anonymous:isset = false';
  const rule = updateRule.trim() === '' ? guard : `(${updateRule}) && ${guard}`;
  try {
    await superuser.run((pb) => pb.collections.update(collection, { updateRule: rule }));
    log(`setup: "${collection}" update rule now refuses changes to "anonymous" from non-superusers`);
  } catch {
    log(`setup: warning: could not guard "anonymous" in the update rule of "${collection}"; add \`${guard}\` yourself.`);
  }
}

/** `pb_schema.json` as PocketBase exports it (an array) or wrapped as `{ collections }`. */
async function readSchemaFile(path: string): Promise<CollectionModel[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`setup: ${path} is not valid JSON.`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { collections?: unknown } | null)?.collections;
  if (!Array.isArray(list)) throw new Error(`setup: ${path} must hold an array of collections.`);
  return list as CollectionModel[];
}

/** Whether the guest collection has the `anonymous` field (asked as superuser). */
export async function hasAnonymousField(superuser: SuperuserClient, collection: string): Promise<boolean> {
  const existing = await superuser.run((pb) => pb.collections.getOne(collection));
  return existing.fields.some((field) => field.name === 'anonymous');
}
