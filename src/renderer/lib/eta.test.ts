import { describe, expect, it } from 'vitest';
import { eta } from './eta.ts';

describe('eta', () => {
  it('extrapolates the pace so far and stays quiet at the start', () => {
    expect(eta(0, 2000, 10, 100)).toBeNull();
    expect(eta(0, 10_000, 0, 100)).toBeNull();
    expect(eta(0, 10_000, 100, 100)).toBeNull();
    expect(eta(0, 10_000, 50, 100)).toBe('about 10 s left');
    expect(eta(0, 60_000, 10, 100)).toBe('about 9 min left');
    expect(eta(0, 3_600_000, 40, 100)).toBe('about 1 h 30 min left');
  });
});
