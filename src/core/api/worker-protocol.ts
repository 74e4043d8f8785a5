/**
 * The one message protocol between the job manager and the ML worker, whether the worker is
 * a Node child process (`child_process.fork`) or an Electron `utilityProcess`. Messages are
 * validated on both sides: a worker that sends garbage is treated like a crashed one.
 */
import { z } from 'zod';
import { JobKind, JobProgress } from './schemas/jobs.ts';

export const RunMessage = z.object({
  type: z.literal('run'),
  jobId: z.string(),
  kind: JobKind,
  projectDir: z.string(),
  params: z.unknown(),
});
export const HostToWorker = z.discriminatedUnion('type', [
  RunMessage,
  z.object({ type: z.literal('cancel'), jobId: z.string() }),
]);
export type HostToWorker = z.infer<typeof HostToWorker>;
export type RunMessage = z.infer<typeof RunMessage>;

export const WorkerToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({ type: z.literal('progress'), jobId: z.string(), progress: JobProgress }),
  z.object({
    type: z.literal('metrics'),
    jobId: z.string(),
    epoch: z.number().int(),
    metrics: z.record(z.string(), z.number()),
  }),
  z.object({ type: z.literal('done'), jobId: z.string(), result: z.unknown() }),
  z.object({ type: z.literal('failed'), jobId: z.string(), error: z.string(), cancelled: z.boolean() }),
]);
export type WorkerToHost = z.infer<typeof WorkerToHost>;

/** The host's view of one worker process, independent of how it was started. */
export interface WorkerProcess {
  readonly pid: number | undefined;
  send(msg: HostToWorker): void;
  onMessage(listener: (msg: unknown) => void): void;
  /**
   * Called once when the process is gone, for whatever reason. `detail` is the end of what the
   * process wrote to stderr, where the spawner can see it (V8's out-of-memory report lands there).
   */
  onExit(listener: (info: { code: number | null; signal: string | null; detail?: string }) => void): void;
  kill(): void;
}

export type WorkerSpawner = () => WorkerProcess;
