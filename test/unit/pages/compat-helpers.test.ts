import { describe, expect, it } from 'vitest';
import { assertSafeRedirect } from '../../../src/pages/context.js';
import { callableFields } from '../../../src/pages/form-fields.js';
import { parseUrl } from '../../../src/pages/request-url.js';
import { stringify } from '../../../src/pages/stringify.js';

describe('PocketPages helpers', () => {
  it('url() parses paths and URLs, JSON-parsing query values and collecting a[] arrays', () => {
    const parsed = parseUrl('/search?filters={"price":{"min":100}}&page=2&tags[]=a&tags[]=b&q=plain');
    expect(parsed.pathname).toBe('/search');
    expect(parsed.query).toEqual({ filters: { price: { min: 100 } }, page: 2, tags: ['a', 'b'], q: 'plain' });
    expect(String(parsed)).toBe('/search?filters={"price":{"min":100}}&page=2&tags[]=a&tags[]=b&q=plain');
    expect(parseUrl('//evil.example/x').pathname).toBe('/evil.example/x');
    expect(parseUrl('https://example.com/a?b=1').hostname).toBe('example.com');
  });

  it('request.url stays usable as a string', () => {
    const url = parseUrl('/notes?page=2');
    expect(url.startsWith('/notes')).toBe(true);
    expect(new URL(url as unknown as string, 'http://x').searchParams.get('page')).toBe('2');
    expect(`${url}`).toBe('/notes?page=2');
  });

  it('stringify() replaces circular references and keeps repeated non-circular ones', () => {
    const shared = { n: 1 };
    const loop: Record<string, unknown> = { a: shared, b: shared };
    loop.self = loop;
    expect(stringify(loop)).toBe('{"a":{"n":1},"b":{"n":1},"self":"[Circular]"}');
  });

  it('formData is readable as an object and callable, even with fields named name and length', () => {
    const form = callableFields({ name: 'Ada', length: '3', tags: ['a', 'b'] });
    expect(form.name).toBe('Ada');
    expect(form.length).toBe('3');
    expect(form()).toEqual({ name: 'Ada', length: '3', tags: ['a', 'b'] });
    expect(JSON.stringify(form)).toBe('{"name":"Ada","length":"3","tags":["a","b"]}');
    expect(Object.keys(form)).toEqual(['name', 'length', 'tags']);
    expect(callableFields({}).name).toBeUndefined();
  });

  it('redirect() allows another site only when its origin is listed', () => {
    expect(() => assertSafeRedirect('https://accounts.example.com/login')).toThrow(/redirectOrigins/);
    expect(() => assertSafeRedirect('https://accounts.example.com/login', ['https://accounts.example.com'])).not.toThrow();
    expect(() => assertSafeRedirect('https://accounts.example.com.evil.io/', ['https://accounts.example.com'])).toThrow();
    expect(() => assertSafeRedirect('//accounts.example.com/', ['https://accounts.example.com'])).toThrow();
  });
});
