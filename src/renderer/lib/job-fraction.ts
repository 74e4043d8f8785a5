import type { JobInfo } from '../../core/api/contract.ts';

/**
 * How far a job is, 0–1, for its bar: the server's overall figure across phases; a job from an
 * older server without it falls back to the current phase's count. Done is whole, whatever the
 * last report said.
 */
export function jobFraction(j: Pick<JobInfo, 'state' | 'progress'>): number {
  if (j.state === 'done') return 1;
  if (j.progress.overall !== undefined) return j.progress.overall;
  return j.progress.total > 0 ? Math.min(1, j.progress.done / j.progress.total) : 0;
}
