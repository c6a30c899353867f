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
 * The engine hands the scope along with the request, not through an
 * AsyncLocalStorage: on Node 20 that installs promise hooks that slow every
 * promise in the process.
 */
import { readFileSync } from 'node:fs';

export interface WatchedFailure {
  name: string;
  file: string;
  error: unknown;
  promise: { readonly observed: boolean };
}

export interface PageScope {
  /** The pages folder: a template on the call's stack below it names where the call was made. */
  root: string;
  /** The file whose code runs now (middleware, load, page or layout). */
  current: string;
  /** Settles when every watched promise has settled; never rejects. */
  pending: Promise<unknown>[];
  /** Watched calls that failed, awaited or not. */
  failures: WatchedFailure[];
}

/** The failed calls the page never awaited (nor attached `.then`/`.catch` to); ask once the page has finished. */
export function unawaitedFailures(scope: PageScope): WatchedFailure[] {
  return scope.failures.filter((failure) => !failure.promise.observed);
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

/**
 * The template (`.ejs`/`.md` under `root`) making the call, from the stack: compiled templates are
 * named by their file, so a call in a partial names the partial, not the page.
 */
function callingTemplate(root: string): string | undefined {
  const stack = new Error().stack ?? '';
  for (let at = stack.indexOf(root); at >= 0; at = stack.indexOf(root, at + 1)) {
    const file = /^[^"':()\n]+/.exec(stack.slice(at))?.[0];
    if (file && (file.endsWith('.ejs') || file.endsWith('.md'))) return file;
  }
  return undefined;
}

function watch<T>(name: string, promise: PromiseLike<T>, scope: PageScope): Promise<T> {
  const file = callingTemplate(scope.root) ?? scope.current;
  let settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };
  const watched = new WatchedPromise<T>((resolve, reject) => (settle = { resolve, reject }));
  // Handled natively from the start, so a rejection nobody awaits never becomes an unhandled rejection.
  // (Calling the native `then` leaves `observed` alone.)
  Promise.prototype.then.call(watched, undefined, ignore);
  const done = Promise.resolve(promise).then(settle.resolve, (error: unknown) => {
    // Whether the page awaited it is judged once the page has finished (see `unawaitedFailures`): an
    // `await` on an already-rejected call attaches its handler a few microtasks after this runs.
    scope.failures.push({ name, file, error, promise: watched });
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
