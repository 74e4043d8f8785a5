/**
 * Runs long jobs in the ML worker, one at a time, and turns worker messages into contract
 * events. A worker that dies mid-job (crash, SIGKILL, out of memory) fails that job with
 * `workerCrashed`, is replaced on the next job, and leaves the project as the store's
 * transactions left it: everything committed before the crash stays.
 */
import { randomUUID } from 'node:crypto';
import type { ApiEvents, EventName, JobInfo, JobKind } from './contract.ts';
import { overallProgress } from './job-progress.ts';
import {
  type HostToWorker,
  type WorkerProcess,
  type WorkerSpawner,
  WorkerToHost,
} from './worker-protocol.ts';

type Emit = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

interface Job {
  info: JobInfo;
  projectDir: string;
  params: unknown;
  waiters: Array<(info: JobInfo) => void>;
}

export interface JobManagerOptions {
  spawn: WorkerSpawner;
  emit: Emit;
  /** A running job that ignores cancellation this long gets its worker killed. */
  cancelGraceMs?: number;
  /** Called when a job finished successfully, before `job.done` goes out (refresh caches...). */
  onDone?: (kind: JobKind, result: unknown, projectDir: string) => void;
}

const FINISHED = new Set(['done', 'failed', 'cancelled']);

export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private worker: WorkerProcess | null = null;
  /** Messages held until the worker says 'ready' (its listener may attach after module loading). */
  private outbox: HostToWorker[] | null = null;
  private current: Job | null = null;
  private restarts = 0;
  private closed = false;

  constructor(private readonly opts: JobManagerOptions) {}

  start(kind: JobKind, projectDir: string, params: unknown): JobInfo {
    const info: JobInfo = {
      id: randomUUID(),
      kind,
      state: 'queued',
      progress: { done: 0, total: 0 },
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
    };
    const job: Job = { info, projectDir, params, waiters: [] };
    this.jobs.set(info.id, job);
    this.queue.push(job);
    this.opts.emit('job.started', { ...info });
    this.pump();
    return { ...info };
  }

  get(id: string): JobInfo | undefined {
    const job = this.jobs.get(id);
    return job && { ...job.info };
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  /** Pid of the current worker process (tests kill it to prove crash isolation). */
  get workerPid(): number | undefined {
    return this.worker?.pid;
  }

  get workerRestarts(): number {
    return this.restarts;
  }

  /** Resolves when the job has finished, whatever the outcome. */
  wait(id: string): Promise<JobInfo> {
    const job = this.jobs.get(id);
    if (!job) return Promise.reject(new Error(`unknown job ${id}`));
    if (FINISHED.has(job.info.state)) return Promise.resolve({ ...job.info });
    return new Promise((resolve) => job.waiters.push(resolve));
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || FINISHED.has(job.info.state)) return false;
    if (job.info.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, 'cancelled', 'cancelled', false);
      return true;
    }
    // Not yet handed to a worker that is still starting: drop it here. Counting the worker's
    // start-up in the grace period below used to kill it for a job it never began.
    const held = this.outbox?.findIndex((m) => m.type === 'run' && m.jobId === id) ?? -1;
    if (held >= 0) {
      this.outbox!.splice(held, 1);
      this.finish(job, 'cancelled', 'cancelled', false);
      return true;
    }
    this.send({ type: 'cancel', jobId: id });
    const grace = this.opts.cancelGraceMs ?? 10_000;
    const timer = setTimeout(() => {
      // The job did not stop cooperatively (stuck in native code): stop the process instead.
      if (this.current === job) this.worker?.kill();
    }, grace);
    timer.unref();
    (job as Job & { cancelRequested?: boolean }).cancelRequested = true;
    return true;
  }

  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.finish(job, 'cancelled', 'shutting down', false);
    this.worker?.kill();
    this.worker = null;
  }

  /** Keeps the job list bounded: the oldest finished jobs go first. */
  private prune(max = 200): void {
    for (const [id, j] of this.jobs) {
      if (this.jobs.size <= max) break;
      if (FINISHED.has(j.info.state)) this.jobs.delete(id);
    }
  }

  private pump(): void {
    if (this.closed || this.current) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current = job;
    job.info.state = 'running';
    this.send({
      type: 'run',
      jobId: job.info.id,
      kind: job.info.kind,
      projectDir: job.projectDir,
      params: job.params,
    });
  }

  private send(msg: HostToWorker): void {
    const w = this.ensureWorker();
    if (this.outbox) this.outbox.push(msg);
    else w.send(msg);
  }

  private ensureWorker(): WorkerProcess {
    if (this.worker) return this.worker;
    const w = this.opts.spawn();
    this.worker = w;
    this.outbox = [];
    w.onMessage((raw) => this.onMessage(w, raw));
    w.onExit(({ code, signal, detail }) => this.onExit(w, code, signal, detail));
    return w;
  }

  private onMessage(w: WorkerProcess, raw: unknown): void {
    const parsed = WorkerToHost.safeParse(raw);
    if (!parsed.success) {
      console.error('spcxr: malformed message from the ML worker; restarting it', parsed.error.issues);
      w.kill();
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'ready') {
      const held = this.outbox ?? [];
      this.outbox = null;
      for (const m of held) w.send(m);
      return;
    }
    const job = this.jobs.get(msg.jobId);
    if (!job || job !== this.current) return;
    const kind = job.info.kind;
    if (msg.type === 'progress') {
      const overall = overallProgress(kind, msg.progress, job.info.progress.overall);
      job.info.progress = { ...msg.progress, overall };
      this.opts.emit('job.progress', { jobId: job.info.id, kind, progress: { ...job.info.progress } });
    } else if (msg.type === 'metrics') {
      this.opts.emit('job.metrics', { jobId: job.info.id, epoch: msg.epoch, metrics: msg.metrics });
    } else if (msg.type === 'done') {
      job.info.result = msg.result;
      try {
        this.opts.onDone?.(kind, msg.result, job.projectDir);
      } catch (e) {
        console.error('spcxr: job completion hook failed', e);
      }
      this.finish(job, 'done', null, false);
    } else {
      this.finish(job, msg.cancelled ? 'cancelled' : 'failed', msg.error, false);
    }
  }

  private onExit(w: WorkerProcess, code: number | null, signal: string | null, detail = ''): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.outbox = null;
    this.restarts++;
    const job = this.current;
    const stopped = (job as (Job & { cancelRequested?: boolean }) | null)?.cancelRequested === true;
    // Killed on purpose (a job that did not stop when cancelled) is no crash: say so.
    const reason = stopped
      ? `stopped to cancel the ${job!.info.kind} job, which did not stop by itself`
      : signal
        ? `ML worker killed by ${signal}`
        : `ML worker exited with code ${code}`;
    if (job) {
      const cancelled = (job as Job & { cancelRequested?: boolean }).cancelRequested === true;
      // V8 aborts on a fatal heap limit (SIGABRT/134); an allocation that fails in JS exits 1
      // with the report on stderr. Either way the user should read "out of memory".
      const oomReport = /out of memory|heap limit/i.test(detail);
      const oom = oomReport
        ? ' (out of memory)'
        : signal === 'SIGABRT' || code === 134
          ? ' (out of memory?)'
          : '';
      this.finish(
        job,
        cancelled ? 'cancelled' : 'failed',
        cancelled ? 'cancelled' : `${reason}${oom}`,
        !cancelled,
      );
    }
    if (!this.closed) this.opts.emit('worker.restarted', { reason });
  }

  private finish(
    job: Job,
    state: 'done' | 'failed' | 'cancelled',
    error: string | null,
    crashed: boolean,
  ): void {
    job.info.state = state;
    job.info.error = error;
    if (state === 'done') job.info.progress = { ...job.info.progress, overall: 1 };
    job.info.finishedAt = new Date().toISOString();
    const { id, kind } = job.info;
    if (state === 'done') this.opts.emit('job.done', { jobId: id, kind, result: job.info.result ?? null });
    else
      this.opts.emit('job.failed', {
        jobId: id,
        kind,
        error: error ?? state,
        cancelled: state === 'cancelled',
        workerCrashed: crashed,
      });
    for (const w of job.waiters.splice(0)) w({ ...job.info });
    this.prune();
    if (this.current === job) {
      this.current = null;
      this.pump();
    }
  }
}
