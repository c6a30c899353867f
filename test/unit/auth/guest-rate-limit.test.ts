import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../../../src/auth/auth-error.js';
import { GuestRateLimit } from '../../../src/auth/guest-rate-limit.js';
import { createLimiter } from '../../../src/auth/rate-limiter.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('guest creation rate limit', () => {
  it('allows exactly max hits per window and refuses the next with retryAfter', async () => {
    const limit = new GuestRateLimit(createLimiter, { max: 3, windowSeconds: 60 });
    for (let i = 0; i < 3; i += 1) await limit.consume('ip');
    vi.advanceTimersByTime(10_000);
    const error = await limit.consume('ip').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 50 });
  });

  it('counts each client separately', async () => {
    const limit = new GuestRateLimit(createLimiter, { max: 1, windowSeconds: 60 });
    await limit.consume('a');
    await expect(limit.consume('b')).resolves.toBeUndefined();
  });

  it('starts a new window once the old one ends', async () => {
    const limit = new GuestRateLimit(createLimiter, { max: 1, windowSeconds: 60 });
    await limit.consume('ip');
    await expect(limit.consume('ip')).rejects.toMatchObject({ code: 'rate_limited' });
    vi.advanceTimersByTime(60_000);
    await expect(limit.consume('ip')).resolves.toBeUndefined();
  });
});
