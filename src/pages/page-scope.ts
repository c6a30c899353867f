/**
 * @module pages/page-scope
 * Which page a piece of running code belongs to, so a mistake in it is reported
 * where it was made. PocketPages' auth calls are synchronous; migrated pages
 * call our async ones without `await`, and an unawaited rejection would end the
 * process. Every promise a context function returns is watched: the engine
 * waits for it before answering (so an unawaited sign-in still sets its cookie)
 * and, when it failed and nobody awaited it, answers 500 naming the page, the
 * line and the function, instead of leaving an unhandled rejection.
 *
 * The scope travels with the request's context object, not in an
 * AsyncLocalStorage: on Node 20 that installs promise hooks that slow every
 * promise in the process.
 */
import { readFileSync } from 'node:fs';

export interface UnawaitedFailure {
  name: string;
  file: string;
  error: unknown;
}

export interface PageScope {
  /** The route's page file. */
  page: string;
  /** The file whose code runs now (middleware, load, page or layout). */
  current: string;
  /** Settles when every watched promise has settled; never rejects. */
  pending: Promise<unknown>[];
  unawaited: UnawaitedFailure[];
}

/** A promise that notes whether anyone attached a handler (`await`, `.then`, `.catch`, `.finally`). */
class WatchedPromise<T> extends Promise<T> {
  observed = false;
  // Promises derived from this one are plain: only the one handed to the page is watched.
  static override get [Symbol.species]() {
    return Promise;
  }
  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.observed = true;
    return super.then(onFulfilled, onRejected);
  }
}

const ignore = () => undefined;

function watch<T>(name: string, promise: PromiseLike<T>, scope: PageScope): Promise<T> {
  const file = scope.current;
  let settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };
  const watched = new WatchedPromise<T>((resolve, reject) => (settle = { resolve, reject }));
  const done = Promise.resolve(promise).then(settle.resolve, (error: unknown) => {
    if (!watched.observed) {
      // Nobody awaited it: handle it here so it cannot become an unhandled rejection.
      Promise.prototype.then.call(watched, undefined, ignore);
      scope.unawaited.push({ name, file, error });
    }
    settle.reject(error);
  });
  scope.pending.push(done);
  return watched;
}

/** Wraps the named context functions (those extensions added) so the promises they return are watched. */
export function watchContextFunctions(ctx: Record<string, unknown>, names: Iterable<string>, scope: PageScope): void {
  for (const name of names) {
    // Getters (`auth`, `pb`) are left alone: reading them may do work, and they are not calls.
    const value = Object.getOwnPropertyDescriptor(ctx, name)?.value as unknown;
    if (typeof value !== 'function') continue;
    const fn = value as (...args: unknown[]) => unknown;
    ctx[name] = function (this: unknown, ...args: unknown[]) {
      const result = fn.apply(this, args);
      return result && typeof (result as PromiseLike<unknown>).then === 'function' ? watch(name, result as PromiseLike<unknown>, scope) : result;
    };
  }
}

/** Lines of `file` that call `name(` (1-based), to point at an unawaited call. */
export function callLines(file: string, name: string): number[] {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const call = new RegExp(`\\b${name.replace(/[^\w$]/g, '')}\\s*\\(`);
  return source.split('\n').flatMap((line, i) => (call.test(line) ? [i + 1] : []));
}
