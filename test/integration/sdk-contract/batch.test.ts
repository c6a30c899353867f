/**
 * `POST /api/batch` through the SDK's `createBatch()`, on the embedded backend
 * or (PB_TEST_URL) a real PocketBase: off by default, all or nothing, API
 * rules applied to every sub-request, PocketBase's error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PocketBase from 'pocketbase';
import { client, failure, startTestBackend, uniqueEmail, type TestBackend } from '../helpers/backend.js';

let backend: TestBackend;
let admin: PocketBase;
const notes = `batch_notes_${Date.now().toString(36)}`;

beforeAll(async () => {
  backend = await startTestBackend();
  admin = await backend.admin();
  const own = 'owner = @request.auth.id';
  await admin.collections.create({
    name: notes,
    type: 'base',
    listRule: own, viewRule: own, createRule: own, updateRule: own, deleteRule: own,
    fields: [
      { name: 'text', type: 'text', max: 20 },
      { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
    ],
  });
});
afterAll(async () => {
  await admin.settings.update({ batch: { enabled: false } });
  await admin.collections.delete(notes);
  await backend.close();
});

async function user() {
  const email = uniqueEmail('batch');
  const pb = client(backend.url);
  const record = await pb.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
  await pb.collection('users').authWithPassword(email, 'password-123');
  return { pb, id: record.id };
}

describe('batch requests', () => {
  it('are refused with 403 until a superuser enables them in the settings', async () => {
    await admin.settings.update({ batch: { enabled: false } });
    const batch = admin.createBatch();
    batch.collection(notes).create({ text: 'x' });
    const error = await failure(batch.send());
    expect(error.status).toBe(403);
    expect(error.message).toBe('Batch requests are not allowed.');
    await admin.settings.update({ batch: { enabled: true, maxRequests: 50 } });
  });

  it('apply creates, updates, upserts and deletes together and answer each in order', async () => {
    const { pb, id } = await user();
    const existing = await pb.collection(notes).create({ text: 'old', owner: id });
    const gone = await pb.collection(notes).create({ text: 'gone', owner: id });
    const batch = pb.createBatch();
    batch.collection(notes).create({ text: 'new', owner: id });
    batch.collection(notes).update(existing.id, { text: 'changed' });
    batch.collection(notes).upsert({ id: existing.id, text: 'upserted' });
    batch.collection(notes).delete(gone.id);
    const results = await batch.send();
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 204]);
    expect(results[0]!.body.text).toBe('new');
    expect(results[3]!.body).toBeNull();
    const texts = (await pb.collection(notes).getFullList({ sort: 'text' })).map((n) => n.text);
    expect(texts).toEqual(['new', 'upserted']);
  });

  it('roll back every earlier request when one fails, naming the failed one', async () => {
    const { pb, id } = await user();
    const kept = await pb.collection(notes).create({ text: 'kept', owner: id });
    const batch = pb.createBatch();
    batch.collection(notes).update(kept.id, { text: 'changed' });
    batch.collection(notes).create({ text: 'fine', owner: id });
    batch.collection(notes).create({ text: 'far too long for the twenty character limit', owner: id });
    const error = await failure(batch.send());
    expect(error.status).toBe(400);
    expect(error.message).toBe('Batch transaction failed.');
    const failed = error.response.data.requests['2'];
    expect(failed.code).toBe('batch_request_failed');
    expect(failed.response.status).toBe(400);
    expect(failed.response.data.text.code).toBe('validation_max_text_constraint');
    const texts = (await pb.collection(notes).getFullList()).map((n) => n.text);
    expect(texts).toEqual(['kept']);
  });

  it('check the API rules of every sub-request as the caller', async () => {
    const owner = await user();
    const stranger = await user();
    const note = await owner.pb.collection(notes).create({ text: 'mine', owner: owner.id });
    const batch = stranger.pb.createBatch();
    batch.collection(notes).create({ text: 'theirs', owner: stranger.id });
    batch.collection(notes).update(note.id, { owner: stranger.id });
    const error = await failure(batch.send());
    expect(error.response.data.requests['1'].response.status).toBe(404);
    expect(await stranger.pb.collection(notes).getFullList()).toEqual([]);
    expect((await owner.pb.collection(notes).getOne(note.id)).owner).toBe(owner.id);
  });

  it('are seen by other requests all at once or not at all', async () => {
    // Sign-ups hash passwords (slow, awaited), so other requests arrive while the batch is open.
    const label = `atomic-${Date.now().toString(36)}`;
    const batch = admin.createBatch();
    for (let i = 0; i < 4; i++) batch.collection('users').create({ email: `${label}-${i}@pbpages.test`, password: 'password-123', passwordConfirm: 'password-123' });
    const filter = admin.filter('email ~ {:label}', { label });
    const seen = new Set<number>();
    let done = false;
    const sent = batch.send().finally(() => (done = true));
    while (!done) seen.add((await admin.collection('users').getList(1, 1, { filter })).totalItems);
    await sent;
    seen.add((await admin.collection('users').getList(1, 1, { filter })).totalItems);
    expect([...seen].every((n) => n === 0 || n === 4)).toBe(true);
    expect(seen.has(4)).toBe(true);
  });

  it('never take with them, when they fail, a write another request was making at the time', async () => {
    const email = uniqueEmail('concurrent');
    // The sign-up is hashing its password when the failing batch starts.
    const signUp = client(backend.url).collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const batch = admin.createBatch();
    batch.collection(notes).create({ text: 'far too long for the twenty character limit' });
    const error = await failure(batch.send());
    expect(error.status).toBe(400);
    const created = await signUp;
    expect((await admin.collection('users').getOne(created.id)).email).toBe(email);
  });

  it('refuse an empty batch with validation_required', async () => {
    const error = await failure(admin.send('/api/batch', { method: 'POST', body: { requests: [] } }));
    expect(error.status).toBe(400);
    expect(error.response.data.requests.code).toBe('validation_required');
  });
});
