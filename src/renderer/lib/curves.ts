/** One epoch's numbers on a live training curve. */
export interface CurvePoint {
  epoch: number;
  metrics: Record<string, number>;
}

/**
 * Adds an epoch to a curve, replacing an earlier report of the same epoch: the worker sends
 * each epoch live and then the whole curve once more when the run ends (for late joiners).
 */
export function upsertEpoch(curve: readonly CurvePoint[], point: CurvePoint): CurvePoint[] {
  const out = curve.filter((p) => p.epoch !== point.epoch);
  out.push(point);
  return out.sort((a, b) => a.epoch - b.epoch);
}
