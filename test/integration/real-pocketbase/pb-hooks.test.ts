/**
 * `pb_hooks/` inside the real PocketBase JSVM (this folder runs only in the
 * `integration:pocketbase` project): the scheduled guest prune, no mail to
 * guest addresses (a real SMTP sink), the `anonymous` guard, and `pbpages setup`
 * run twice against the real server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { client, failure } from '../helpers/backend.js';
import { repoRoot } from '../helpers/app.js';

const run = promisify(execFile);
// 0.00003 days is about 2.6 s: guests older than that are stale for this server's prune.
const retentionDays = '0.00003';
let server: TestServer;
let admin: PocketBase;
let project: string;

async function pbpagesSetup(): Promise<string> {
  const { stdout } = await run(process.execPath, [join(repoRoot, 'bin/pbpages.js'), 'setup'], {
    cwd: project,
    env: { ...process.env, PB_URL: server.url, PB_SUPERUSER_EMAIL: server.superuser.email, PB_SUPERUSER_PASSWORD: server.superuser.password },
  });
  return stdout;
}

beforeAll(async () => {
  // Its mail goes to a real SMTP sink (see test/support/test-server.ts).
  server = await startTestServer({ env: { PBPAGES_GUEST_RETENTION_DAYS: retentionDays } });
  admin = await server.admin();
  project = await mkdtemp(join(tmpdir(), 'pbpages-hooks-'));
  await symlink(join(repoRoot, 'pb_schema.json'), join(project, 'pb_schema.json'));
});

afterAll(async () => {
  await server?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

let counter = 0;
async function createUser(kind: 'guest' | 'person'): Promise<{ id: string; email: string; password: string }> {
  const tag = `${Date.now().toString(36)}${counter++}`;
  const email = kind === 'guest' ? `anonymous-${tag}@example.com` : `person-${tag}@pbpages.test`;
  const password = `password-${tag}-long`;
  const record = await client(server.url).collection('users').create({ email, password, passwordConfirm: password, anonymous: kind === 'guest' });
  return { id: record.id, email, password };
}


describe('pb_hooks in the real PocketBase', () => {
  it('pbpages setup adds the anonymous field and its guard once, and a second run changes nothing', async () => {
    expect(await pbpagesSetup()).toMatch(/anonymous field added/);
    const first = await admin.collections.getOne('users');
    expect(first.fields.map((f: { name: string }) => f.name)).toContain('anonymous');
    expect(first.updateRule).toContain('@request.body.anonymous:isset = false');
    expect(await pbpagesSetup()).toMatch(/anonymous field present/);
    const second = await admin.collections.getOne('users');
    expect(second.fields).toEqual(first.fields);
    expect(second.updateRule).toBe(first.updateRule);
    expect((await admin.collections.getOne('notes')).listRule).toBe('owner = @request.auth.id');
  });

  it('a guest cannot clear its own anonymous flag', async () => {
    const guest = await createUser('guest');
    const pb = client(server.url);
    await pb.collection('users').authWithPassword(guest.email, guest.password);
    const refused = await failure(pb.collection('users').update(guest.id, { anonymous: false }));
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect((await admin.collection('users').getOne(guest.id)).anonymous).toBe(true);
    // Its other fields stay its own to change.
    await pb.collection('users').update(guest.id, { name: 'still a guest' });
  });

  it('sends verification and password-reset mail to people, never to guest addresses', async () => {
    const person = await createUser('person');
    const guest = await createUser('guest');
    const visitor = client(server.url);
    await visitor.collection('users').requestVerification(guest.email);
    await visitor.collection('users').requestPasswordReset(guest.email);
    await visitor.collection('users').requestVerification(person.email);
    await visitor.collection('users').requestPasswordReset(person.email);
    // The person's mails prove the pipeline works; the guest's were asked for first.
    await server.mailbox.token(person.email, 'verification');
    await server.mailbox.token(person.email, 'passwordReset');
    await new Promise((r) => setTimeout(r, 300));
    expect(server.mailbox.count(guest.email)).toBe(0);
  });

  it("the scheduled prune deletes stale guests and keeps fresh guests and people", async () => {
    const staleGuest = await createUser('guest');
    const oldPerson = await createUser('person');
    await new Promise((r) => setTimeout(r, 3_000));
    const freshGuest = await createUser('guest');
    // PocketBase's crons API starts the job the scheduler would run (in the background: wait for it).
    await admin.send('/api/crons/pbpages_prune_guests', { method: 'POST' });
    const users = admin.collection('users');
    const deadline = Date.now() + 5_000;
    while ((await users.getList(1, 1, { filter: `id = '${staleGuest.id}'` })).totalItems > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await failure(users.getOne(staleGuest.id))).status).toBe(404);
    expect((await users.getOne(freshGuest.id)).id).toBe(freshGuest.id);
    expect((await users.getOne(oldPerson.id)).id).toBe(oldPerson.id);
  });
});
