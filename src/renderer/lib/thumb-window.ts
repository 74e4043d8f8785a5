/**
 * Which grid items want their thumbnail now, most urgent first: the rendered range, then the
 * rows ahead in the scroll direction (as many as the scroll covers in `leadSeconds`, so a fast
 * scroll reaches further), then a couple of rows behind.
 */
export interface ThumbWindowInput {
  start: number;
  end: number;
  cols: number;
  total: number;
  /** +1 scrolling down, -1 up, 0 still. */
  direction: number;
  /** Recent scroll speed in rows per second. */
  rowsPerSecond: number;
}

/** At rest too: the first rows of a scroll that starts from still. */
export const MIN_AHEAD_ROWS = 8;
export const MAX_AHEAD_ROWS = 60;
const BEHIND_ROWS = 2;
const LEAD_SECONDS = 1;

export function aheadRows(rowsPerSecond: number, leadSeconds = LEAD_SECONDS): number {
  const want = Math.ceil(Math.max(0, rowsPerSecond) * leadSeconds);
  return Math.min(MAX_AHEAD_ROWS, Math.max(MIN_AHEAD_ROWS, want));
}

export function thumbWindow(w: ThumbWindowInput): number[] {
  const out: number[] = [];
  const push = (from: number, to: number, step: 1 | -1) => {
    for (let i = from; step > 0 ? i < to : i > to; i += step) if (i >= 0 && i < w.total) out.push(i);
  };
  push(w.start, w.end, 1);
  const ahead = aheadRows(w.rowsPerSecond) * w.cols;
  const behind = BEHIND_ROWS * w.cols;
  if (w.direction < 0) {
    push(w.start - 1, w.start - 1 - ahead, -1);
    push(w.end, w.end + behind, 1);
  } else {
    push(w.end, w.end + ahead, 1);
    push(w.start - 1, w.start - 1 - behind, -1);
  }
  return out;
}

/** Scroll speed, smoothed over a few events, in pixels per second; direction of the last move. */
export class ScrollSpeed {
  private lastTop = 0;
  private lastAt = 0;
  pxPerSecond = 0;
  direction = 0;

  update(top: number, at: number): void {
    const dt = at - this.lastAt;
    const dy = top - this.lastTop;
    this.lastTop = top;
    this.lastAt = at;
    if (dy !== 0) this.direction = Math.sign(dy);
    // A pause (or the first event) restarts the estimate instead of averaging across it.
    if (dt <= 0 || dt > 250) {
      this.pxPerSecond = 0;
      return;
    }
    this.pxPerSecond = 0.6 * this.pxPerSecond + 0.4 * (Math.abs(dy) / dt) * 1000;
  }
}
