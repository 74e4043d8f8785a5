/** Subscribes the app state to the API's events (jobs, counts, labels, models). */
import { api } from './api.ts';
import { labelsChanged } from './grid-data.ts';
import { upsertEpoch } from './lib/curves.ts';
import { app, refreshProject } from './state.svelte.ts';
import { onJobDone, onJobFailed } from './suggest.ts';

export function subscribeEvents(): () => void {
  const offs = [
    api.on('job.started', (j) => {
      app.jobs[j.id] = j;
    }),
    api.on('job.progress', (p) => {
      const j = app.jobs[p.jobId];
      if (j) app.jobs[p.jobId] = { ...j, state: 'running', progress: p.progress };
      else
        void api
          .invoke('jobs.get', { jobId: p.jobId })
          .then((x) => (app.jobs[x.id] = x))
          .catch(() => {});
    }),
    api.on('job.metrics', (m) => {
      app.curves[m.jobId] = upsertEpoch(app.curves[m.jobId] ?? [], { epoch: m.epoch, metrics: m.metrics });
    }),
    api.on('job.done', (d) => {
      const j = app.jobs[d.jobId];
      if (j)
        app.jobs[d.jobId] = {
          ...j,
          state: 'done',
          result: d.result,
          progress: { ...j.progress, done: j.progress.total },
        };
      if (d.kind === 'import') app.labelsVersion++;
      if (d.kind === 'suggest') onJobDone(d.jobId);
      void refreshProject();
    }),
    api.on('job.failed', (f) => {
      const j = app.jobs[f.jobId];
      if (j) app.jobs[f.jobId] = { ...j, state: f.cancelled ? 'cancelled' : 'failed', error: f.error };
      if (f.kind === 'suggest') onJobFailed(f.jobId, f.error);
      if (!f.cancelled)
        app.error = f.workerCrashed
          ? `The ${f.kind} job stopped because the worker crashed (${f.error}). The worker was restarted and your labels are safe; start the job again, with a smaller batch size if it ran out of memory.`
          : `The ${f.kind} job failed: ${f.error}. Check the message, fix the input and start it again.`;
    }),
    api.on('project.changed', (p) => {
      app.project = p;
    }),
    api.on('labels.changed', (e) => labelsChanged(e.imageIds)),
    api.on('models.changed', () => {
      void refreshProject();
    }),
    api.on('worker.restarted', (w) => {
      app.notice = `The background worker was restarted (${w.reason}).`;
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
