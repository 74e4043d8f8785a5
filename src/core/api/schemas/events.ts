import { z } from 'zod';
import { ImageId, JobId, Rect } from './common.ts';
import { JobInfo, JobKind, JobProgress } from './jobs.ts';
import { ActiveModels, Metrics } from './models.ts';
import { ProjectInfo } from './project.ts';

export const JobProgressEvent = z.object({ jobId: JobId, kind: JobKind, progress: JobProgress });
export const JobMetricsEvent = z.object({ jobId: JobId, epoch: z.number().int(), metrics: Metrics });
export const JobDoneEvent = z.object({ jobId: JobId, kind: JobKind, result: z.unknown() });
export const JobFailedEvent = z.object({
  jobId: JobId,
  kind: JobKind,
  error: z.string(),
  /** True when the user cancelled it (not an error to show loudly). */
  cancelled: z.boolean(),
  /** True when the worker process died (crash / out of memory); it has been restarted. */
  workerCrashed: z.boolean(),
});

export const eventSchemas = {
  'job.started': JobInfo,
  'job.progress': JobProgressEvent,
  'job.metrics': JobMetricsEvent,
  'job.done': JobDoneEvent,
  'job.failed': JobFailedEvent,
  /** Counts or classes changed (after import, labelling, training...). */
  'project.changed': ProjectInfo,
  'labels.changed': z.object({ imageIds: z.array(ImageId) }),
  'mask.changed': z.object({
    imageId: ImageId,
    maskClass: z.string(),
    version: z.number().int(),
    rect: Rect.optional(),
  }),
  'suggestions.changed': z.object({ count: z.number().int() }),
  /** `activeModelId` is the classifier's (as before); `activeModels` has every task's. */
  'models.changed': z.object({ activeModelId: z.number().int().nullable(), activeModels: ActiveModels }),
  'worker.restarted': z.object({ reason: z.string() }),
} as const;
