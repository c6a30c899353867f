/**
 * @module pages/record-helpers
 * PocketPages hands pages a PocketBase `core.Record` (`auth.get('name')`); the
 * SDK gives a plain object (`auth.name`). The record in `auth` gets the
 * getters PocketPages pages use, as non-enumerable methods (JSON output and
 * `Object.keys` stay the record's fields). `verified()` and `email()` cannot
 * be added: `verified` and `email` are fields, and a function there would make
 * `if (auth.verified)` always true. The README says to write `auth.verified`.
 *
 * PocketPages' JS SDK plugin gives `pb()`, a function; pbpages gives `pb`, the
 * client. `pb` is made callable too (`pb()` returns the same client), so both
 * spellings work.
 */

const helpers = {
  get(this: Record<string, unknown>, field: string): unknown {
    return this[field];
  },
  getString(this: Record<string, unknown>, field: string): string {
    const value = this[field];
    return value === undefined || value === null ? '' : String(value);
  },
  getBool(this: Record<string, unknown>, field: string): boolean {
    return Boolean(this[field]);
  },
  getInt(this: Record<string, unknown>, field: string): number {
    const n = Math.trunc(Number(this[field]));
    return Number.isFinite(n) ? n : 0;
  },
  isSuperuser(this: Record<string, unknown>): boolean {
    return this.collectionName === '_superusers';
  },
};

const done = new WeakSet<object>();

function withHelpers<T>(record: T): T {
  if (!record || typeof record !== 'object' || done.has(record)) return record;
  for (const [name, fn] of Object.entries(helpers)) {
    if (!(name in record)) Object.defineProperty(record, name, { value: fn, enumerable: false, configurable: true });
  }
  done.add(record);
  return record;
}

/** Redefines the `auth` getters an extension put on `ctx` and `ctx.request` so the record has the helpers. */
export function addRecordHelpers(ctx: { request: object }): void {
  for (const target of [ctx, ctx.request]) {
    const descriptor = Object.getOwnPropertyDescriptor(target, 'auth');
    if (!descriptor?.configurable) continue;
    const read = descriptor.get ?? (() => descriptor.value as unknown);
    Object.defineProperty(target, 'auth', { get: () => withHelpers(read.call(target)), enumerable: true, configurable: true });
  }
}

/** Makes the `pb` getter an extension defined return a client that can also be called: `pb()` is `pb`. */
export function makeClientCallable(ctx: object): void {
  const descriptor = Object.getOwnPropertyDescriptor(ctx, 'pb');
  if (!descriptor?.get || !descriptor.configurable) return;
  const read = descriptor.get;
  let cached: { client: object; callable: object } | undefined;
  Object.defineProperty(ctx, 'pb', {
    enumerable: true,
    configurable: true,
    get() {
      const client = read.call(ctx) as object;
      if (!client || typeof client !== 'object') return client;
      if (cached?.client !== client) cached = { client, callable: callable(client) };
      return cached.callable;
    },
  });
}

function callable(client: object): object {
  return new Proxy(() => client, {
    apply: () => client,
    get: (_target, prop) => {
      const value = Reflect.get(client, prop, client) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(client) : value;
    },
    set: (_target, prop, value) => Reflect.set(client, prop, value, client),
    has: (_target, prop) => Reflect.has(client, prop),
    getPrototypeOf: () => Reflect.getPrototypeOf(client),
  });
}
