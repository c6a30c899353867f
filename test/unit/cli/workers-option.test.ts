import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseWorkers } from '../../../src/cli/workers.js';

describe('pbpages start --workers', () => {
  it('defaults to one process', () => {
    expect(parseWorkers([])).toBe(1);
  });

  it('takes a count, in either spelling, and auto as one per core', () => {
    expect(parseWorkers(['--workers', '3'])).toBe(3);
    expect(parseWorkers(['--workers=2'])).toBe(2);
    expect(parseWorkers(['--workers', 'auto'])).toBe(availableParallelism());
  });

  it('refuses zero, fractions, words, a missing value and unknown options with a clear message', () => {
    for (const value of ['0', '1.5', '-1', 'two', '']) {
      expect(() => parseWorkers(['--workers', value])).toThrow(`--workers takes a whole number from 1 or "auto", got "${value}"`);
    }
    expect(() => parseWorkers(['--workers'])).toThrow('got ""');
    expect(() => parseWorkers(['--port', '80'])).toThrow('unknown option "--port"');
  });
});
