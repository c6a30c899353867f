/**
 * Hostile filters stay cheap, against both backends, on a list with real
 * fan-out (150 items × 20 tags × 5 labels × 3 notes): deep nesting, hundreds
 * of comparisons over a multiple relation, "every value" checks, several
 * fan-outs at once. Each answers within a bound with a result or a 400. The
 * embedded backend additionally refuses, in a guest's filter, a third distinct
 * fan-out and a 21st "every value" comparison (deliberate bounds the real
 * server does not have: there 150 such comparisons took 650 ms on this data).
 */
import type PocketBase from 'pocketbase';
import type { CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKind } from '../../support/backend-kind.js';
import { client, failure, startTestBackend, type TestBackend } from '../helpers/backend.js';

let backend: TestBackend;
let admin: PocketBase;
const s = Date.now().toString(36);
const names = { tags: `fc_tags_${s}`, items: `fc_items_${s}`, notes: `fc_notes_${s}` };
const ids = { tags: `fct${s}`, items: `fci${s}`, notes: `fcn${s}` };
/** The bounds below are the embedded backend's own; the real server has none. */
const realPocketBase = backendKind === 'pocketbase' || Boolean(process.env.PB_TEST_URL);
const labels = ['l0', 'l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8', 'l9'];

beforeAll(async () => {
  backend = await startTestBackend();
  admin = await backend.admin();
  await admin.collections.import([
    { id: ids.tags, name: names.tags, type: 'base', listRule: '', fields: [{ name: 'name', type: 'text' }] },
    {
      id: ids.items, name: names.items, type: 'base', listRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'tags', type: 'relation', collectionId: ids.tags, maxSelect: 20 }, { name: 'labels', type: 'select', maxSelect: 10, values: labels }],
    },
    { id: ids.notes, name: names.notes, type: 'base', listRule: '', fields: [{ name: 'text', type: 'text' }, { name: 'item', type: 'relation', collectionId: ids.items, maxSelect: 1 }] },
  ] as unknown as CollectionModel[]);
  const tagIds: string[] = [];
  for (let i = 0; i < 20; i++) tagIds.push((await admin.collection(names.tags).create({ name: `t${i}` })).id);
  for (let batch = 0; batch < 15; batch++) {
    await Promise.all(Array.from({ length: 10 }, async (_, j) => {
      const item = await admin.collection(names.items).create({ title: `i${batch * 10 + j}`, tags: tagIds, labels: labels.slice(0, 5) });
      for (let n = 0; n < 3; n++) await admin.collection(names.notes).create({ text: `n${n}`, item: item.id });
    }));
  }
}, 120_000);

afterAll(async () => {
  for (const name of [names.notes, names.items, names.tags]) await admin.collections.delete(name).catch(() => undefined);
  await backend.close();
});

async function timed(filter: string): Promise<{ status: number; ms: number; total?: number }> {
  const started = Date.now();
  try {
    const list = await client(backend.url).collection(names.items).getList(1, 10, { filter });
    return { status: 200, ms: Date.now() - started, total: list.totalItems };
  } catch (error) {
    return { status: (error as { status: number }).status, ms: Date.now() - started };
  }
}

describe('hostile filters', () => {
  const via = `${names.notes}_via_item`;
  const cases: [string, string][] = [
    ['500 nested parentheses', '('.repeat(500) + "title = 'x'" + ')'.repeat(500)],
    ['150 any-match comparisons over one multiple relation', Array.from({ length: 150 }, (_, i) => `tags.name ?= 't${i}'`).join(' || ')],
    ['150 every-value comparisons over one multiple relation', Array.from({ length: 150 }, (_, i) => `tags.name != 'x${i}'`).join(' && ')],
    ['three fan-outs at once', `tags.name ?= 't1' && labels:each ?= 'l1' && ${via}.text ?= 'n1'`],
    ['a fan-out through a back-relation and on into a multiple relation', `${via}.item.tags.name ?~ 't1'`],
  ];
  for (const [label, filter] of cases) {
    it(`${label}: a result or a 400 (within 1.5 s on the embedded backend)`, async () => {
      expect(filter.length).toBeLessThanOrEqual(3500);
      const outcome = await timed(filter);
      expect([200, 400]).toContain(outcome.status);
      // The real server has no bound of its own: under a loaded test run it took up to 3 s here.
      if (!realPocketBase) expect(outcome.ms).toBeLessThan(1500);
    });
  }

  it('two fan-outs in one filter still give the right answer', async () => {
    const outcome = await timed(`tags.name ?= 't3' && ${via}.text ?= 'n2'`);
    expect(outcome).toMatchObject({ status: 200, total: 150 });
    expect((await timed(`tags.name = 't3'`)).total).toBe(0);
  });

  it.skipIf(realPocketBase)('the embedded backend allows a guest 20 every-value comparisons over fan-outs, not 21', async () => {
    const every = (n: number) => Array.from({ length: n }, (_, i) => `tags.name != 'x${i}'`).join(' && ');
    const allowed = await timed(every(20));
    expect(allowed).toMatchObject({ status: 200, total: 150 });
    expect(allowed.ms).toBeLessThan(500);
    expect((await timed(every(21))).status).toBe(400);
    expect((await admin.collection(names.items).getList(1, 1, { filter: every(21) })).totalItems).toBe(150);
  });

  it.skipIf(realPocketBase)('the embedded backend refuses a third distinct fan-out in a guest filter with a 400', async () => {
    const error = await failure(client(backend.url).collection(names.items).getList(1, 1, { filter: `tags.name ?= 't1' && labels:each ?= 'l1' && ${via}.text ?= 'n1'` }));
    expect(error.status).toBe(400);
    expect((await admin.collection(names.items).getList(1, 1, { filter: `tags.name ?= 't1' && labels:each ?= 'l1' && ${via}.text ?= 'n1'` })).totalItems).toBe(150);
  });
});
