/**
 * The starter app's `pb_schema.json` rules, imported as they ship (under a unique
 * name) into the embedded backend or, with PB_TEST_URL, a real PocketBase.
 */
import { readFile } from 'node:fs/promises';
import type PocketBase from 'pocketbase';
import type { CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/app.js';
import { client, failure, startTestBackend, uniqueEmail, type TestBackend } from '../helpers/backend.js';

let backend: TestBackend;
let admin: PocketBase;
const notes = `notes_${Date.now().toString(36)}`;

beforeAll(async () => {
  backend = await startTestBackend();
  admin = await backend.admin();
  const shipped = JSON.parse(await readFile(`${repoRoot}/pb_schema.json`, 'utf8')) as Array<{ name: string }>;
  const starterNotes = shipped.find((collection) => collection.name === 'notes')!;
  await admin.collections.import([{ ...starterNotes, name: notes }] as unknown as CollectionModel[]);
});
afterAll(async () => {
  await admin.collections.delete(notes).catch(() => undefined);
  await backend.close();
});

async function signedIn(): Promise<{ pb: PocketBase; id: string }> {
  const email = uniqueEmail('starter');
  const pb = client(backend.url);
  await pb.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
  return { pb, id: (await pb.collection('users').authWithPassword(email, 'password-123')).record.id };
}

describe('starter schema: notes', () => {
  it('lets an owner edit a note but never move it into another user\'s list', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const note = await alice.pb.collection(notes).create({ text: 'mine', owner: alice.id });
    const moved = await failure(alice.pb.collection(notes).update(note.id, { owner: bob.id }));
    expect(moved.status).toBe(404);
    expect((await admin.collection(notes).getOne(note.id)).owner).toBe(alice.id);
    expect((await bob.pb.collection(notes).getList(1, 10)).totalItems).toBe(0);
    expect((await alice.pb.collection(notes).update(note.id, { text: 'edited' })).text).toBe('edited');
    expect((await alice.pb.collection(notes).update(note.id, { text: 'again', owner: alice.id })).text).toBe('again');
  });
});
