import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { consumeRateLimit } from '../../../src/auth/rate-limit.js';
import { countingPoints, createSharedRateLimitStore } from '../../../src/auth/shared-rate-limit-store.js';

const store = () => createSharedRateLimitStore((duration) => new RateLimiterMemory({ points: countingPoints, duration }));

describe('a rate-limit store over rate-limiter-flexible', () => {
  it('counts hits per key within a window and says when the window ends', async () => {
    const limits = store();
    const before = Date.now();
    expect(await limits.hit('1.2.3.4', 60)).toMatchObject({ count: 1 });
    const second = await limits.hit('1.2.3.4', 60);
    expect(second.count).toBe(2);
    expect(second.resetAt).toBeGreaterThan(before + 58_000);
    expect(second.resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
    expect((await limits.hit('5.6.7.8', 60)).count).toBe(1);
  });

  it('keeps windows of different lengths apart', async () => {
    const limits = store();
    await limits.hit('k', 60);
    expect((await limits.hit('k', 3600)).count).toBe(1);
  });

  it('lets consumeRateLimit refuse the hit past the maximum with rate_limited and a retryAfter', async () => {
    const limits = store();
    await consumeRateLimit(limits, 'k', { max: 1, windowSeconds: 60 });
    await expect(consumeRateLimit(limits, 'k', { max: 1, windowSeconds: 60 })).rejects.toMatchObject({ code: 'rate_limited', status: 429 });
  });
});
