import type { RetrainOutcome, RetrainRequest, SchedulerOptions, SchedulerState } from './types.ts';

/**
 * Retrains in the background after every N new labels. `labelAdded()` returns at once, so
 * labelling never waits on training. Requests coalesce: while a retrain runs, any number of new
 * labels leads to exactly one more retrain afterwards, over all labels present by then.
 */
export class RetrainScheduler {
  private readonly everyN: number;
  private pendingLabels = 0;
  private running: Promise<void> | null = null;
  private queued: RetrainRequest | null = null;
  private completed = 0;
  private lastOutcome?: RetrainOutcome;
  private lastError?: string;
  private abort: AbortController | null = null;
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions) {
    const n = opts.everyN ?? 10;
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`RetrainScheduler: everyN must be a positive integer, got ${n}`);
    this.everyN = n;
  }

  /** Call after each stored label (count > 1 for a batch). Never blocks. */
  labelAdded(count = 1): void {
    if (this.stopped) return;
    this.pendingLabels += count;
    if (this.pendingLabels >= this.everyN) this.request('threshold');
  }

  /** The "Update model" button: retrain now whatever the count. */
  retrainNow(): void {
    if (!this.stopped) this.request('manual');
  }

  state(): SchedulerState {
    return {
      pendingLabels: this.pendingLabels,
      running: this.running !== null,
      queued: this.queued !== null,
      completed: this.completed,
      lastOutcome: this.lastOutcome,
      lastError: this.lastError,
    };
  }

  /** Resolves once nothing is running or queued (for tests, shutdown and the CLI). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Cancels the running retrain (its signal aborts) and drops the queued one. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queued = null;
    this.abort?.abort();
    await this.idle();
  }

  private request(reason: RetrainRequest['reason']): void {
    const request: RetrainRequest = { task: this.opts.task, newLabels: this.pendingLabels, reason };
    if (this.running) {
      const coalesced = this.queued !== null;
      this.queued = request;
      this.opts.onEvent?.({ type: coalesced ? 'coalesced' : 'queued', request });
      return;
    }
    this.opts.onEvent?.({ type: 'queued', request });
    this.start(request);
  }

  private start(request: RetrainRequest): void {
    // Labels counted so far are covered by this run; later ones start the next count.
    this.pendingLabels = 0;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.running = (async () => {
      // Yield first so that the caller's labelAdded() has returned before any training work starts.
      await new Promise<void>((r) => setImmediate(r));
      this.opts.onEvent?.({ type: 'started', request });
      const t0 = performance.now();
      try {
        const outcome = await this.opts.retrain(request, signal);
        this.completed++;
        this.lastOutcome = outcome;
        this.lastError = undefined;
        this.opts.onEvent?.({ type: 'finished', request, outcome, ms: performance.now() - t0 });
      } catch (e) {
        this.lastError = e instanceof Error ? e.message : String(e);
        this.opts.onEvent?.({ type: 'failed', request, error: this.lastError });
      }
    })().finally(() => {
      this.running = null;
      this.abort = null;
      const next = this.queued;
      this.queued = null;
      if (next && !this.stopped) this.start({ ...next, newLabels: this.pendingLabels });
    });
  }
}
