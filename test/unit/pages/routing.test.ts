import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRouteTable } from '../../../src/pages/routes.js';

const fixture = (name: string) => resolve(import.meta.dirname, '../../fixtures/routing', name, 'pages');

function resolveTo(name: string, path: string): { file?: string; params?: Record<string, string> } {
  const pagesDir = fixture(name);
  const match = buildRouteTable(pagesDir).match(path);
  return match ? { file: relative(pagesDir, match.route.file), params: match.params } : {};
}

describe('routing from a pages/ tree', () => {
  it('maps index, plain and folder index files to URLs', () => {
    expect(resolveTo('basic', '/').file).toBe('index.ejs');
    expect(resolveTo('basic', '/about').file).toBe('about.ejs');
    expect(resolveTo('basic', '/blog').file).toBe('blog/index.ejs');
    expect(resolveTo('basic', '/blog/').file).toBe('blog/index.ejs');
  });

  it('matches only routes with exactly as many segments (no prefix matching)', () => {
    expect(resolveTo('basic', '/about/x/y')).toEqual({});
    expect(resolveTo('basic', '/nope')).toEqual({});
  });

  it('serves non-EJS files as static files, never templates or + files', () => {
    const table = buildRouteTable(fixture('basic'));
    expect([...table.staticFiles.keys()]).toEqual(['/assets/site.css']);
    expect(table.routes.map((r) => r.pattern).sort()).toEqual(['/', '/about', '/blog']);
  });

  it('fills params, prefers a folder index and literal segments over params', () => {
    expect(resolveTo('params', '/blog/hello-world')).toEqual({ file: 'blog/[slug].ejs', params: { slug: 'hello-world' } });
    expect(resolveTo('params', '/products').file).toBe('products/index.ejs');
    expect(resolveTo('params', '/products/new')).toEqual({ file: 'products/new.ejs', params: {} });
    expect(resolveTo('params', '/products/42')).toEqual({ file: 'products/[id].ejs', params: { id: '42' } });
    expect(resolveTo('params', '/acme/site/issues')).toEqual({ file: '[org]/[repo]/issues.ejs', params: { org: 'acme', repo: 'site' } });
    expect(resolveTo('params', '/acme/site')).toEqual({});
  });

  it('leaves (group) folders out of URLs', () => {
    expect(resolveTo('groups', '/pricing').file).toBe(join('(marketing)', 'pricing.ejs'));
    expect(resolveTo('groups', '/dashboard').file).toBe(join('(app)', 'dashboard', 'index.ejs'));
    expect(resolveTo('groups', '/marketing/pricing')).toEqual({});
  });

  it('never routes _private/, _-prefixed, +-prefixed or hidden files', () => {
    const table = buildRouteTable(fixture('private'));
    expect(table.routes.map((r) => r.pattern)).toEqual(['/']);
    expect(table.staticFiles.size).toBe(0);
    for (const path of ['/_private/card', '/_draft', '/+middleware.js', '/+load.js', '/_hidden/secret', '/.env']) {
      expect(resolveTo('private', path)).toEqual({});
    }
  });

  it('stops start-up when two files serve one route, naming both', () => {
    const conflict = (name: string) => {
      try {
        buildRouteTable(fixture(name));
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(conflict('conflict-index')).toMatch(/both serve \/about/);
    expect(conflict('conflict-index')).toContain('about.ejs');
    expect(conflict('conflict-index')).toContain('about/index.ejs');
    expect(conflict('conflict-groups')).toMatch(/\(a\)\/x\.ejs and \(b\)\/x\.ejs both serve \/x/);
    expect(() => buildRouteTable(fixture('conflict-params'))).toThrow(/\[id\].*\[slug\]/);
  });
});
