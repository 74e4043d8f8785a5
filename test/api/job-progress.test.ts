import { describe, expect, it } from 'vitest';
import { overallProgress } from '../../src/core/api/job-progress.ts';

/** Feeds a job's phase reports in order, as the job manager does, and returns the overall figures. */
function run(
  kind: Parameters<typeof overallProgress>[0],
  reports: Array<[string | undefined, number, number]>,
) {
  let prev = 0;
  return reports.map(([phase, done, total]) => (prev = overallProgress(kind, { phase, done, total }, prev)));
}

describe('overall job progress across phases', () => {
  it('a training run climbs once from 0 to 1 while each phase restarts its own count', () => {
    const xs = run('train', [
      ['features', 0, 40],
      ['features', 40, 40],
      ['train', 1, 10],
      ['train', 10, 10],
      ['eval', 5, 5],
      ['predict', 50, 100],
      ['predict', 100, 100],
    ]);
    expect(xs[0]).toBe(0);
    expect(xs[1]).toBeCloseTo(0.4);
    expect(xs[2]).toBeCloseTo(0.435);
    expect(xs[3]).toBeCloseTo(0.75);
    expect(xs[5]).toBeCloseTo(0.925);
    expect(xs.at(-1)).toBeCloseTo(1);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThanOrEqual(xs[i - 1]);
  });

  it('jumps over a skipped phase (cached features) and never goes back', () => {
    const xs = run('suggest', [
      ['train', 0, 5],
      ['features', 0, 10],
      ['predict', 1, 2],
    ]);
    expect(xs[0]).toBeCloseTo(0.5);
    expect(xs[1]).toBeCloseTo(0.5);
    expect(xs[2]).toBeCloseTo(0.5 + 0.2 + 0.05 + 0.075);
  });

  it('reads a step in the phase name (study 2/4) and a single-phase job without a phase name', () => {
    expect(overallProgress('retrieve', { phase: 'study 2/4', done: 5, total: 10 })).toBeCloseTo(0.375);
    expect(overallProgress('export', { done: 3, total: 4 })).toBeCloseTo(0.75);
    expect(overallProgress('import', { phase: 'importing', done: 0, total: 0 })).toBe(0);
  });

  it('keeps the last figure for a phase it does not know', () => {
    expect(overallProgress('train', { phase: 'warming up', done: 1, total: 2 }, 0.3)).toBe(0.3);
  });
});
