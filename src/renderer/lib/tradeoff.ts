import type { TradeoffRowWire } from '../../core/api/schemas/honesty.ts';

/**
 * The trade-off row for a target: the highest threshold still reaching the sensitivity target
 * (most specific), or the lowest reaching the specificity target (most sensitive); rows run from
 * low to high threshold. Undefined when no row reaches it.
 */
export function pickRow(
  rows: TradeoffRowWire[],
  kind: 'sensitivity' | 'specificity',
  target: number,
): TradeoffRowWire | undefined {
  const ok = rows.filter((r) => (r[kind] ?? -1) >= target - 1e-12);
  return kind === 'sensitivity' ? ok.at(-1) : ok[0];
}
