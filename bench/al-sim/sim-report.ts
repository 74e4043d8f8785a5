import type { Curve, Savings, SimResult } from './sim-types.ts';

export function meanSd(v: number[]): { mean: number; sd: number; min: number; max: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return { mean, sd, min: Math.min(...v), max: Math.max(...v) };
}

/** Mean metric of a curve at `labels`, linearly interpolated between evaluation points. */
export function valueAt(c: Curve, labels: number): number {
  const m = c.values.map((v) => meanSd(v).mean);
  for (let i = 0; i < c.labels.length; i++) {
    if (c.labels[i] === labels) return m[i];
    if (c.labels[i] > labels && i > 0) {
      const t = (labels - c.labels[i - 1]) / (c.labels[i] - c.labels[i - 1]);
      return m[i - 1] + t * (m[i] - m[i - 1]);
    }
  }
  return m[m.length - 1];
}

/**
 * Label count from which the mean curve reaches `target` and stays there (interpolated at the
 * last crossing), or null. "Stays" keeps one lucky point on a noisy curve from counting.
 */
export function labelsToReach(c: Curve, target: number): number | null {
  const m = c.values.map((v) => meanSd(v).mean);
  let last = -1;
  for (let i = 0; i < m.length; i++) if (m[i] < target) last = i;
  if (last === m.length - 1) return null;
  if (last < 0) return c.labels[0];
  const t = (target - m[last]) / (m[last + 1] - m[last]);
  return Math.round(c.labels[last] + t * (c.labels[last + 1] - c.labels[last]));
}

/** Label savings against random sampling at `refLabels` (200 for the classification goal). */
export function savings(r: SimResult, refLabels: number): Savings {
  const random = r.curves.find((c) => c.strategy === 'random');
  if (!random) throw new Error('al-sim: savings need the random strategy as the reference');
  const value = valueAt(random, refLabels);
  const needed: Record<string, number | null> = {};
  for (const c of r.curves) needed[c.strategy] = labelsToReach(c, value);
  return { reference: { labels: refLabels, value }, needed };
}

/** Markdown table: mean ± sd over seeds at selected label counts, then the savings line. */
export function markdownTable(r: SimResult, s: Savings, points: number[]): string {
  const head = `| strategy | ${points.map((p) => `${p}`).join(' | ')} | labels to reach random@${s.reference.labels} (${s.reference.value.toFixed(3)}) |`;
  const sep = `|---|${points.map(() => '---').join('|')}|---|`;
  const rows = r.curves.map((c) => {
    const cells = points.map((p) => {
      const i = c.labels.indexOf(p);
      if (i < 0) return '–';
      const { mean, sd } = meanSd(c.values[i]);
      return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
    });
    const need = s.needed[c.strategy];
    const pct =
      need === null ? 'not reached' : `${need} (${Math.round((100 * need) / s.reference.labels)} %)`;
    return `| ${c.strategy} | ${cells.join(' | ')} | ${pct} |`;
  });
  return [head, sep, ...rows].join('\n');
}
