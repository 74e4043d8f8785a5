/**
 * Autosave: every committed change is queued and sent in order; a failure keeps the change
 * queued and retries, and the status line says what happened and what to do. No save button.
 */

export type SaveStatus =
  | { state: 'saved' }
  | { state: 'saving'; pending: number }
  | { state: 'error'; pending: number; message: string };

export class SaveQueue {
  private queue: Array<{ label: string; send: () => Promise<void> }> = [];
  private running = false;
  private retryMs: number;

  constructor(
    private readonly onStatus: (s: SaveStatus) => void,
    private readonly baseRetryMs = 1000,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.retryMs = baseRetryMs;
  }

  get pending(): number {
    return this.queue.length;
  }

  push(label: string, send: () => Promise<void>): void {
    this.queue.push({ label, send });
    this.onStatus({ state: 'saving', pending: this.queue.length });
    void this.drain();
  }

  /** Resolves when everything queued so far has been saved. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.running) await this.sleep(20);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const job = this.queue[0];
        try {
          await job.send();
          this.queue.shift();
          this.retryMs = this.baseRetryMs;
          this.onStatus(
            this.queue.length ? { state: 'saving', pending: this.queue.length } : { state: 'saved' },
          );
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          this.onStatus({
            state: 'error',
            pending: this.queue.length,
            message: `Could not save ${job.label}: ${why}. Your change is kept here and retried every few seconds; check that spcxr is still running and the project folder is writable.`,
          });
          await this.sleep(this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, 15_000);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
