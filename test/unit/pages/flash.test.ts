import { describe, expect, it } from 'vitest';
import { decodeFlash, encodeFlash, flashSeconds } from '../../../src/pages/flash.js';

describe('flash cookie', () => {
  it('reads back a message within its lifetime', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(decodeFlash(encodeFlash('Saved.', now), now + (flashSeconds - 1) * 1000)).toBe('Saved.');
  });

  it('is refused once its signed expiry has passed, so a copied flash cannot be replayed later', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(decodeFlash(encodeFlash('Saved.', now), now + flashSeconds * 1000)).toBeUndefined();
    expect(decodeFlash(encodeFlash('Saved.', now), now + 86_400_000)).toBeUndefined();
  });

  it('is refused when the expiry is moved forward, since the expiry is signed', () => {
    const now = Date.UTC(2026, 0, 1);
    const [value, , signature] = encodeFlash('Saved.', now).split('.');
    const extended = `${value}.${(Math.floor(now / 1000) + 10 * 86_400).toString(36)}.${signature}`;
    expect(decodeFlash(extended, now + 86_400_000)).toBeUndefined();
  });
});
