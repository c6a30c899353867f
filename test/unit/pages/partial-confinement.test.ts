/**
 * `include()` resolves partials like PocketPages and never reads outside the
 * pages folder, whatever name a page passes it (possibly user input).
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateCache } from '../../../src/pages/templates.js';

let root: string;
let pages: string;
let cache: TemplateCache;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pbpages-partials-'));
  pages = join(root, 'pages');
  await mkdir(join(pages, 'blog', 'post', '_private'), { recursive: true });
  await mkdir(join(pages, '_private', 'forms'), { recursive: true });
  await mkdir(join(pages, 'shared'), { recursive: true });
  await writeFile(join(pages, '_private', 'header.ejs'), 'header');
  await writeFile(join(pages, '_private', 'forms', 'field.ejs'), 'field');
  await writeFile(join(pages, 'blog', 'post', '_private', 'header.ejs'), 'post header');
  await writeFile(join(pages, 'shared', 'box.ejs'), 'box');
  await writeFile(join(root, 'secret.txt'), 'host secret');
  await symlink(join(root, 'secret.txt'), join(pages, '_private', 'link.ejs'));
  cache = new TemplateCache(pages);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const fromPost = () => join(pages, 'blog', 'post');

describe('include() resolution', () => {
  it('finds the nearest _private/ partial upwards, with or without .ejs', () => {
    expect(cache.resolvePartial('header.ejs', fromPost())).toBe(join(pages, 'blog', 'post', '_private', 'header.ejs'));
    expect(cache.resolvePartial('header', fromPost())).toBe(join(pages, 'blog', 'post', '_private', 'header.ejs'));
    expect(cache.resolvePartial('header', join(pages, 'blog'))).toBe(join(pages, '_private', 'header.ejs'));
    expect(cache.resolvePartial('forms/field', fromPost())).toBe(join(pages, '_private', 'forms', 'field.ejs'));
  });

  it('reads /absolute names from the pages root', () => {
    expect(cache.resolvePartial('/shared/box', fromPost())).toBe(join(pages, 'shared', 'box.ejs'));
    expect(cache.resolvePartial('/_private/header.ejs', fromPost())).toBe(join(pages, '_private', 'header.ejs'));
  });

  it('refuses .. that leaves the pages folder, from any depth', () => {
    for (const name of ['../../secret.txt', '../../../../../../etc/hostname', '../../../secret.txt', 'forms/../../../secret.txt']) {
      expect(() => cache.resolvePartial(name, fromPost()), name).toThrow(/outside the pages folder/);
      expect(() => cache.resolvePartial(name, pages), name).toThrow(/outside the pages folder|not found/);
    }
    expect(() => cache.resolvePartial('../../secret.txt', pages)).toThrow(/outside the pages folder/);
  });

  it('maps an absolute host path into the pages root instead of reading it', () => {
    expect(() => cache.resolvePartial('/etc/hostname', pages)).toThrow('partial not found. Tried: etc/hostname');
    expect(() => cache.resolvePartial(join(root, 'secret.txt'), pages)).toThrow(/not found/);
  });

  it('refuses URL-encoded, backslash, drive-letter and NUL forms', () => {
    for (const name of ['%2e%2e/%2e%2e/secret.txt', '..%2f..%2fsecret.txt', '%2Fetc%2Fhostname', '..\\..\\secret.txt', 'C:/Windows/win.ini', 'header\u0000.ejs']) {
      expect(() => cache.resolvePartial(name, pages), JSON.stringify(name)).toThrow(/refused/);
    }
  });

  it('refuses a symlink inside pages/ that points outside it', () => {
    expect(() => cache.resolvePartial('link.ejs', pages)).toThrow(/outside the pages folder/);
  });

  it('answers 400 without echoing the name, so a visitor learns nothing from the message', () => {
    try {
      cache.resolvePartial('../../secret.txt', pages);
      expect.unreachable();
    } catch (error) {
      expect((error as { status?: number }).status).toBe(400);
      expect((error as Error).message).not.toContain('secret');
    }
  });
});
