import { describe, expect, it } from 'vitest';
import { jobFraction } from './job-fraction.ts';

describe('jobFraction', () => {
  it('prefers the overall figure, falls back to the phase count, and is whole when done', () => {
    expect(jobFraction({ state: 'running', progress: { done: 9, total: 10, overall: 0.42 } })).toBe(0.42);
    expect(jobFraction({ state: 'running', progress: { done: 3, total: 4 } })).toBe(0.75);
    expect(jobFraction({ state: 'running', progress: { done: 0, total: 0 } })).toBe(0);
    expect(jobFraction({ state: 'done', progress: { done: 3, total: 4, overall: 0.9 } })).toBe(1);
  });
});
