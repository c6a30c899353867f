/**
 * @module pages/stringify
 * `stringify()`: JSON that survives circular references, as PocketPages'
 * helper (for logging a context or a record graph), and what `echo()` prints.
 */

/** `JSON.stringify` where a repeated reference on the current path becomes `"[Circular]"`. */
export function stringify(value: unknown, _replacer?: null, space?: string | number): string {
  const path: unknown[] = [];
  return JSON.stringify(
    value,
    function (this: unknown, _key, current: unknown) {
      if (typeof current !== 'object' || current === null) return typeof current === 'bigint' ? current.toString() : current;
      // `this` is the holder: drop path entries that are no longer ancestors.
      while (path.length > 0 && path[path.length - 1] !== this) path.pop();
      if (path.includes(current)) return '[Circular]';
      path.push(current);
      return current;
    },
    space,
  );
}

/** What PocketPages' `echo(...args)` prints: the arguments joined by a space, objects as JSON. */
export function echoText(args: unknown[]): string {
  return args.map((value) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : typeof value === 'object' ? stringify(value) : String(value))).join(' ');
}
