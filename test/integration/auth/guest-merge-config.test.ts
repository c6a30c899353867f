/**
 * How configuration shapes a guest merge: nothing configured leaves the guest
 * (and its data) in place; `mergeOnSignIn: false` turns the password-sign-in
 * merge off; the `onMerge` hook's requests join the same batch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import PocketBase from 'pocketbase';
import type { UserConfig } from '../../../src/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Visitor } from '../helpers/visitor.js';

const superuser = { email: 'root@pbpages.test', password: 'merge-config-superuser-pw' };
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(anonymous: NonNullable<NonNullable<UserConfig['auth']>['anonymous']>) {
  app = await startTestApp({ superuser, pruneGuestsDaily: false, auth: { anonymous } });
  const admin = new PocketBase(app.pocketbaseUrl);
  await admin.collection('_superusers').authWithPassword(superuser.email, superuser.password);
  const account = await admin.collection('users').create({ email: 'account@pbpages.test', password: 'account-pw-123', passwordConfirm: 'account-pw-123', anonymous: false });
  const visitor = new Visitor(app.url);
  await visitor.go('POST', '/', { mode: 'anonymous' });
  await visitor.go('POST', '/notes', { action: 'add', text: 'guest note' });
  const guestId = (await visitor.account()).id;
  const signIn = () => visitor.go('POST', '/account', { action: 'merge', email: 'account@pbpages.test', password: 'account-pw-123' });
  const notes = async (owner: string) => (await admin.collection('notes').getFullList({ filter: admin.filter('owner = {:owner}', { owner }) })).map((n) => n.text);
  return { admin, account, visitor, guestId, signIn, notes };
}

describe('guest merge configuration', () => {
  it('without a merge config the guest and its notes stay where they are', async () => {
    const { account, visitor, guestId, signIn, notes, admin } = await start({});
    await signIn();
    expect((await visitor.account()).id).toBe(account.id);
    expect(await notes(guestId)).toEqual(['guest note']);
    await expect(admin.collection('users').getOne(guestId)).resolves.toBeDefined();
  });

  it('mergeOnSignIn: false signs in without merging', async () => {
    const { account, visitor, guestId, signIn, notes } = await start({ merge: { notes: 'owner' }, mergeOnSignIn: false });
    await signIn();
    expect((await visitor.account()).id).toBe(account.id);
    expect(await notes(guestId)).toEqual(['guest note']);
    expect(await notes(account.id)).toEqual([]);
  });

  it('replaces the guest in multiple relations and keeps the other members', async () => {
    const { account, guestId, signIn, admin } = await start({ merge: { notes: 'owner', lists: 'members' } });
    await admin.collections.create({
      name: 'lists', type: 'base',
      fields: [{ name: 'title', type: 'text' }, { name: 'members', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 10 }],
    });
    const friend = await admin.collection('users').create({ email: 'friend@pbpages.test', password: 'friend-pw-123', passwordConfirm: 'friend-pw-123' });
    const list = await admin.collection('lists').create({ title: 'shared', members: [friend.id, guestId] });
    await signIn();
    expect((await admin.collection('lists').getOne(list.id)).members).toEqual([friend.id, account.id]);
  });

  it('runs the onMerge hook inside the same batch', async () => {
    const { account, guestId, signIn, notes, admin } = await start({
      merge: { notes: 'owner' },
      onMerge: ({ guest, account: into, batch }) => {
        batch.collection('notes').create({ owner: into.id, text: `merged ${guest.id}` });
      },
    });
    await signIn();
    expect((await notes(account.id)).sort()).toEqual(['guest note', `merged ${guestId}`].sort());
    await expect(admin.collection('users').getOne(guestId)).rejects.toMatchObject({ status: 404 });
  });
});
