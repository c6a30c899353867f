/**
 * The manageRule of an auth collection, against both backends: a manager sees
 * the managed records' emails whatever their emailVisibility, may set
 * `verified`, and may change email and password without `oldPassword`; anyone
 * else may not.
 */
import type PocketBase from 'pocketbase';
import type { CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, failure, startTestBackend, uniqueEmail, type TestBackend } from '../helpers/backend.js';

let backend: TestBackend;
let admin: PocketBase;
const s = Date.now().toString(36);
const staff = `mr_staff_${s}`;
const shifts = `mr_shifts_${s}`;
const password = 'password-123';

beforeAll(async () => {
  backend = await startTestBackend();
  admin = await backend.admin();
  await admin.collections.import([
    {
      name: staff, type: 'auth', listRule: "@request.auth.id != ''", viewRule: "@request.auth.id != ''", createRule: "@request.auth.role = 'boss'",
      updateRule: "id = @request.auth.id || @request.auth.role = 'boss'", manageRule: "@request.auth.role = 'boss'",
      fields: [{ name: 'role', type: 'text' }],
    },
  ] as unknown as CollectionModel[]);
  const staffId = (await admin.collections.getOne(staff)).id;
  await admin.collections.create({ name: shifts, type: 'base', listRule: '', viewRule: '', fields: [{ name: 'who', type: 'relation', collectionId: staffId, maxSelect: 1 }] });
});

afterAll(async () => {
  await admin.collections.delete(shifts).catch(() => undefined);
  await admin.collections.delete(staff).catch(() => undefined);
  await backend.close();
});

async function account(role: string): Promise<{ pb: PocketBase; id: string; email: string }> {
  const email = uniqueEmail(role);
  const record = await admin.collection(staff).create({ email, password, passwordConfirm: password, role, emailVisibility: false });
  const pb = client(backend.url);
  await pb.collection(staff).authWithPassword(email, password);
  return { pb, id: record.id, email };
}

describe('manageRule', () => {
  it('a manager sees the emails of the records it manages; others see only visible ones', async () => {
    const boss = await account('boss');
    const worker = await account('worker');
    const peer = await account('worker');
    expect((await boss.pb.collection(staff).getOne(worker.id)).email).toBe(worker.email);
    expect((await boss.pb.collection(staff).getFullList({ filter: `id = '${worker.id}'` }))[0]!.email).toBe(worker.email);
    expect((await peer.pb.collection(staff).getOne(worker.id)).email).toBeUndefined();
    expect((await peer.pb.collection(staff).getFullList({ filter: `id = '${worker.id}'` }))[0]!.email).toBeUndefined();
  });

  it('an expanded record shows its email to a manager too', async () => {
    const boss = await account('boss');
    const worker = await account('worker');
    const peer = await account('worker');
    const shift = await admin.collection(shifts).create({ who: worker.id });
    expect((await boss.pb.collection(shifts).getOne(shift.id, { expand: 'who' })).expand?.who.email).toBe(worker.email);
    const seenByPeer = await peer.pb.collection(shifts).getOne(shift.id, { expand: 'who' });
    expect(seenByPeer.expand?.who.id).toBe(worker.id);
    expect(seenByPeer.expand?.who.email).toBeUndefined();
  });

  it('a manager may verify, change the email and set a new password without the old one', async () => {
    const boss = await account('boss');
    const worker = await account('worker');
    const newEmail = uniqueEmail('moved');
    const updated = await boss.pb.collection(staff).update(worker.id, { verified: true, email: newEmail, password: 'new-password-456', passwordConfirm: 'new-password-456' });
    expect(updated).toMatchObject({ verified: true, email: newEmail });
    await client(backend.url).collection(staff).authWithPassword(newEmail, 'new-password-456');
  });

  it('a manager may create a verified record', async () => {
    const boss = await account('boss');
    const created = await boss.pb.collection(staff).create({ email: uniqueEmail('hired'), password, passwordConfirm: password, verified: true, role: 'worker' });
    expect(created.verified).toBe(true);
  });

  it('without manage access the record itself may not verify itself, change its email, or skip oldPassword', async () => {
    const worker = await account('worker');
    const error = await failure(worker.pb.collection(staff).update(worker.id, { verified: true, email: uniqueEmail('self') }));
    expect(error.status).toBe(400);
    expect(Object.keys(error.response.data).sort()).toEqual(['email', 'verified']);
    const noOld = await failure(worker.pb.collection(staff).update(worker.id, { password: 'new-password-456', passwordConfirm: 'new-password-456' }));
    expect(noOld.response.data.oldPassword?.code).toBe('validation_required');
  });
});
