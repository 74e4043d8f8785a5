import type { JobResults } from '../core/api/schemas/job-map.ts';
import type { JobKind } from '../core/api/schemas/jobs.ts';
import type { ProjectStore } from '../core/store/types.ts';

/** What a job function gets inside the worker. */
export interface JobContext {
  /** The worker's own connection to the project (WAL: the app's connection keeps working). */
  store: ProjectStore;
  /** Raw params as sent by the host; each job parses them with its contract schema. */
  params: unknown;
  signal: AbortSignal;
  progress(p: { done: number; total: number; phase?: string; message?: string }): void;
  metrics(epoch: number, metrics: Record<string, number>): void;
}

/** A job of one kind: its result is the kind's entry of the job map (`schemas/job-map.ts`). */
export type JobRunner<K extends JobKind = JobKind> = (ctx: JobContext) => Promise<JobResults[K]>;
