import type { RunControl } from '../../core/model/types.ts';
import type { JobContext } from '../types.ts';

/**
 * Engine progress → job progress. Numeric extras on a 'train' progress (losses, metrics) are
 * forwarded as live per-epoch metrics.
 */
export function engineControl(ctx: JobContext): RunControl {
  return {
    signal: ctx.signal,
    onProgress: (p) => {
      ctx.progress({ done: p.done, total: p.total, phase: p.phase });
      if (p.phase !== 'train') return;
      const extra = Object.entries(p as unknown as Record<string, unknown>).filter(
        ([k, v]) => !['done', 'total'].includes(k) && typeof v === 'number',
      );
      if (extra.length) ctx.metrics(p.done, Object.fromEntries(extra) as Record<string, number>);
    },
  };
}
