/**
 * Background retraining after every N new labels (setting `retrainEvery`, 0 = off), driven by
 * the active-learning RetrainScheduler: labelling never waits, requests made while a retrain
 * runs coalesce into one more run, and the training itself is an ordinary 'train' job in the
 * worker (visible in the job list, cancellable).
 */
import { RetrainScheduler } from '../active/scheduler.ts';
import type { ProjectSession } from '../app/session.ts';
import { jobResult } from './schemas/job-map.ts';
import type { ServiceContext } from './service.ts';

const schedulers = new WeakMap<ProjectSession, { everyN: number; scheduler: RetrainScheduler }>();

function schedulerFor(ctx: ServiceContext, s: ProjectSession): RetrainScheduler | null {
  const { retrainEvery, executionProvider } = s.settings();
  const cur = schedulers.get(s);
  if (cur && cur.everyN === retrainEvery) return cur.scheduler;
  void cur?.scheduler.stop();
  schedulers.delete(s);
  if (retrainEvery < 1) return null;
  const scheduler = new RetrainScheduler({
    task: 'classify',
    everyN: retrainEvery,
    retrain: async (_req, signal) => {
      const job = ctx.jobs.start('train', s.dir, {
        task: 'classify',
        head: 'linear',
        provider: executionProvider,
      });
      signal.addEventListener('abort', () => ctx.jobs.cancel(job.id));
      const done = await ctx.jobs.wait(job.id);
      if (done.state !== 'done') throw new Error(done.error ?? done.state);
      const modelId = jobResult(done, 'train')?.modelId;
      return { modelId: modelId === undefined ? undefined : String(modelId) };
    },
  });
  schedulers.set(s, { everyN: retrainEvery, scheduler });
  return scheduler;
}

/** Call after labels were added or changed (not cleared); never blocks. */
export function labelsAdded(ctx: ServiceContext, s: ProjectSession, n: number): void {
  if (n > 0) schedulerFor(ctx, s)?.labelAdded(n);
}

export function stopRetrain(s: ProjectSession): void {
  void schedulers.get(s)?.scheduler.stop();
  schedulers.delete(s);
}
