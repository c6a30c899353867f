import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/auth/guest-prune.js';

describe('prune --older-than durations', () => {
  it('reads days, hours, minutes and seconds', () => {
    expect(parseDuration('90d')).toBe(90 * 86_400);
    expect(parseDuration('12h')).toBe(12 * 3_600);
    expect(parseDuration('30m')).toBe(1_800);
    expect(parseDuration('45s')).toBe(45);
  });

  it('refuses anything else', () => {
    expect(parseDuration('90')).toBeUndefined();
    expect(parseDuration('-1d')).toBeUndefined();
    expect(parseDuration('1w')).toBeUndefined();
  });
});
