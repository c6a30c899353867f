/**
 * @module pages/request-url
 * `request.url` and `url()`: a string (so `request.url.startsWith('/x')` and
 * `new URL(request.url, base)` keep working) that also has PocketPages' parsed
 * parts: `pathname`, `hash` and `query` (as the url-parse object PocketPages returns), whose values are
 * JSON-parsed when they parse (`?filters={"a":1}` → an object), as PocketPages'
 * `url()` does.
 */

export type QueryValues = Record<string, unknown>;

export interface ParsedUrl extends String {
  readonly href: string;
  readonly origin: string;
  readonly host: string;
  readonly hostname: string;
  readonly protocol: string;
  readonly pathname: string;
  readonly hash: string;
  readonly query: QueryValues;
}

function jsonOrString(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Query values as strings, first value wins; `a[]=1&a[]=2` gives an array. */
export function queryStrings(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(search)) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const prev = out[name];
      out[name] = Array.isArray(prev) ? [...prev, value] : [value];
    } else if (!(key in out)) {
      out[key] = value;
    }
  }
  return out;
}

class UrlString extends String implements ParsedUrl {
  // Parsed on first read of any part: `request.url.startsWith('/x')` alone should not pay for it.
  #parts: Omit<ParsedUrl, keyof String> | undefined;

  get #parsed(): Omit<ParsedUrl, keyof String> {
    if (this.#parts) return this.#parts;
    const text = this.toString();
    // Not `new URL(text)` alone: a relative path (`/notes?x=1`) needs a base, and `//evil/x` must stay a path.
    const absolute = /^[a-z][a-z0-9+.-]*:/i.test(text);
    const parsed = new URL(absolute ? text : `http://relative.invalid/${text.replace(/^\/+/, '')}`);
    const query: QueryValues = {};
    for (const [key, value] of Object.entries(queryStrings(parsed.search))) {
      query[key] = Array.isArray(value) ? value.map(jsonOrString) : jsonOrString(value);
    }
    this.#parts = {
      href: text,
      origin: absolute ? parsed.origin : '',
      host: absolute ? parsed.host : '',
      hostname: absolute ? parsed.hostname : '',
      protocol: absolute ? parsed.protocol : '',
      pathname: parsed.pathname,
      hash: parsed.hash,
      query,
    };
    return this.#parts;
  }

  get href() { return this.#parsed.href; }
  get origin() { return this.#parsed.origin; }
  get host() { return this.#parsed.host; }
  get hostname() { return this.#parsed.hostname; }
  get protocol() { return this.#parsed.protocol; }
  get pathname() { return this.#parsed.pathname; }
  get hash() { return this.#parsed.hash; }
  get query() { return this.#parsed.query; }
}

/**
 * PocketPages' `url()`: parses a URL or a path, with a JSON-parsed `query`.
 * @example
 * url('/search?tags[]=a&page=2').query // { tags: ['a'], page: 2 }
 */
export function parseUrl(text: string): ParsedUrl {
  return new UrlString(String(text));
}
