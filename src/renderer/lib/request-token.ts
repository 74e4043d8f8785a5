/**
 * Drops stale answers: each request takes a token, and only the answer carrying the latest
 * token is used (opening image B while A is still loading must never show A).
 */
export class RequestToken {
  private current = 0;

  next(): number {
    this.current += 1;
    return this.current;
  }

  isCurrent(token: number): boolean {
    return token === this.current;
  }

  /** Runs `work` and returns its result, or null if a newer request started meanwhile. */
  async run<T>(work: () => Promise<T>): Promise<T | null> {
    const t = this.next();
    const out = await work();
    return this.isCurrent(t) ? out : null;
  }
}
