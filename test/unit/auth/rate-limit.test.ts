import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/auth/auth-error.js';
import { consumeRateLimit, createMemoryRateLimitStore } from '../../../src/auth/rate-limit.js';

describe('guest creation rate limit', () => {
  it('allows exactly max hits per window and refuses the next with retryAfter', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const store = createMemoryRateLimitStore(clock);
    const limit = { max: 3, windowSeconds: 60 };
    for (let i = 0; i < 3; i += 1) await consumeRateLimit(store, 'ip', limit, clock);
    now += 10_000;
    const error = await consumeRateLimit(store, 'ip', limit, clock).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 50 });
  });

  it('counts each client separately', async () => {
    const store = createMemoryRateLimitStore();
    const limit = { max: 1, windowSeconds: 60 };
    await consumeRateLimit(store, 'a', limit);
    await expect(consumeRateLimit(store, 'b', limit)).resolves.toBeUndefined();
  });

  it('starts a new window once the old one ends', async () => {
    let now = 0;
    const clock = () => now;
    const store = createMemoryRateLimitStore(clock);
    const limit = { max: 1, windowSeconds: 60 };
    await consumeRateLimit(store, 'ip', limit, clock);
    await expect(consumeRateLimit(store, 'ip', limit, clock)).rejects.toMatchObject({ code: 'rate_limited' });
    now += 60_000;
    await expect(consumeRateLimit(store, 'ip', limit, clock)).resolves.toBeUndefined();
  });
});
