/**
 * One number for a job that runs in phases: each phase's `done/total` restarts at 0, so the
 * bar showed "features 40/40" then "train 1/10" with no idea of the whole. The share of every
 * phase comes from the job map; the overall fraction never goes back.
 */
import { jobPhases } from './schemas/job-map.ts';
import type { JobKind, JobProgress } from './schemas/jobs.ts';

/** A phase such as 'study 2/3' or 'epoch 4/20' is that step of its phase. */
const STEP = /(\d+)\s*\/\s*(\d+)\s*$/;

export function overallProgress(kind: JobKind, p: JobProgress, previous = 0): number {
  const phases = jobPhases[kind];
  const frac = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  let start = 0;
  let share: number | null = null;
  if (p.phase === undefined && phases.length === 1) share = phases[0][1];
  else
    for (const [name, w] of phases) {
      if (p.phase?.startsWith(name)) {
        share = w;
        break;
      }
      start += w;
    }
  if (share === null) return previous;
  let within = frac;
  const step = p.phase ? STEP.exec(p.phase) : null;
  if (step && Number(step[2]) > 0) within = Math.min(1, (Number(step[1]) - 1 + frac) / Number(step[2]));
  return Math.max(previous, Math.min(1, start + share * within));
}
