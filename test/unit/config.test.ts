import { describe, expect, it } from 'vitest';
import { defaultConfig, resolveConfig } from '../../src/config.js';

describe('resolveConfig', () => {
  it('gives the documented defaults when the config file is absent', () => {
    const config = resolveConfig();
    expect(config.auth.anonymous).toMatchObject({
      enabled: true,
      collection: 'users',
      emailDomain: 'example.com',
      emailPrefix: 'anonymous-',
      rateLimit: { max: 30, windowSeconds: 3600 },
      reuseSession: true,
      allowGet: false,
      retentionDays: 90,
      trustProxy: false,
    });
    expect(config.bodyLimit).toBe(1024 * 1024);
  });

  it('merges a partial override without losing sibling defaults', () => {
    const config = resolveConfig({ auth: { anonymous: { rateLimit: { max: 2 } } } });
    expect(config.auth.anonymous.rateLimit).toEqual({ max: 2, windowSeconds: 3600 });
    expect(config.auth.anonymous.enabled).toBe(true);
    expect(defaultConfig.auth.anonymous.rateLimit.max).toBe(30);
  });

  it('rejects an unknown key instead of silently ignoring a typo', () => {
    expect(() => resolveConfig({ auth: { anonymous: { enabeld: false } } } as never)).toThrow(
      /unknown key "auth\.anonymous\.enabeld"/,
    );
  });

  it('takes the guest merge map as given (collection names are not config keys) and checks its names', () => {
    expect(resolveConfig({ auth: { anonymous: { merge: { notes: 'owner', todos: 'author' } } } }).auth.anonymous.merge).toEqual({ notes: 'owner', todos: 'author' });
    expect(resolveConfig().auth.anonymous.merge).toEqual({});
    expect(() => resolveConfig({ auth: { anonymous: { merge: { notes: 'owner = 1' } } } })).toThrow(/auth\.anonymous\.merge/);
    expect(() => resolveConfig({ auth: { anonymous: { merge: { 'no tes': 'owner' } } } })).toThrow(/auth\.anonymous\.merge/);
  });
});

describe('extensions and redirectOrigins in the config', () => {
  it('keeps the listed extensions and origins', () => {
    const extension = { name: 'clock', extend: () => {} };
    const config = resolveConfig({ extensions: [extension], redirectOrigins: ['https://accounts.example.com'] });
    expect(config.extensions).toEqual([extension]);
    expect(config.redirectOrigins).toEqual(['https://accounts.example.com']);
    expect(resolveConfig().extensions).toEqual([]);
  });

  it('says what an extension must look like when one is malformed', () => {
    expect(() => resolveConfig({ extensions: [{ name: 'x' }] } as never)).toThrow(/extensions\[0\] must be an object with a string `name` and a function `extend\(ctx\)`/);
    expect(() => resolveConfig({ extensions: 'auth' } as never)).toThrow(/"extensions" must be an array/);
  });

  it('accepts only bare origins in redirectOrigins', () => {
    expect(() => resolveConfig({ redirectOrigins: ['https://accounts.example.com/login'] })).toThrow(/like "https:\/\/accounts\.example\.com" \(no path\)/);
  });
});
