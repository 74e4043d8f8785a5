import { chiSquareSf, fisherExact } from './stats.ts';
import type { AssociationResult, CheckItem } from './types.ts';

const NONE = '(no source)';

/**
 * How much the label depends on the source: the class × source table, bias-corrected Cramér's V,
 * a test of independence (Fisher's exact test for 2×2 tables with an expected count below 5,
 * chi-square otherwise), the accuracy of guessing the label from the source alone, and classes
 * whose images all come from one source while other classes come from elsewhere.
 */
export function labelSourceAssociation(items: CheckItem[]): AssociationResult {
  const classes = [...new Set(items.map((i) => i.label))].sort();
  const sources = [...new Set(items.map((i) => i.source ?? NONE))].sort();
  const counts: Record<string, Record<string, number>> = {};
  for (const c of classes) counts[c] = Object.fromEntries(sources.map((s) => [s, 0]));
  for (const i of items) counts[i.label][i.source ?? NONE]++;
  const n = items.length;
  const rowSum = classes.map((c) => sources.reduce((a, s) => a + counts[c][s], 0));
  const colSum = sources.map((s) => classes.reduce((a, c) => a + counts[c][s], 0));
  let sourceOnly = 0;
  for (const s of sources) sourceOnly += Math.max(...classes.map((c) => counts[c][s]));
  const out: AssociationResult = {
    sources,
    classes,
    counts,
    cramersV: 0,
    test: 'none',
    pValue: 1,
    sourceOnlyAccuracy: n ? sourceOnly / n : Number.NaN,
    majorityAccuracy: n ? Math.max(...rowSum) / n : Number.NaN,
    singleSourceClasses: [],
  };
  const r = classes.length;
  const k = sources.length;
  if (r < 2 || k < 2) return out;
  let chi2 = 0;
  let minExpected = Infinity;
  classes.forEach((c, i) => {
    sources.forEach((s, j) => {
      const e = (rowSum[i] * colSum[j]) / n;
      minExpected = Math.min(minExpected, e);
      if (e > 0) chi2 += (counts[c][s] - e) ** 2 / e;
    });
  });
  const phi2 = chi2 / n;
  const phi2c = Math.max(0, phi2 - ((k - 1) * (r - 1)) / (n - 1));
  const kc = k - (k - 1) ** 2 / (n - 1);
  const rc = r - (r - 1) ** 2 / (n - 1);
  const denom = Math.min(kc - 1, rc - 1);
  out.cramersV = denom > 0 ? Math.min(1, Math.sqrt(phi2c / denom)) : 0;
  if (r === 2 && k === 2 && minExpected < 5) {
    out.test = 'fisher-exact';
    const [a, b] = sources.map((s) => counts[classes[0]][s]);
    const [c, d] = sources.map((s) => counts[classes[1]][s]);
    out.pValue = fisherExact(a, b, c, d);
  } else {
    out.test = 'chi-square';
    out.pValue = chiSquareSf(chi2, (r - 1) * (k - 1));
  }
  classes.forEach((c, i) => {
    const from = sources.filter((s) => counts[c][s] > 0);
    if (from.length !== 1) return;
    // Only a shortcut if some other class has images from a different source.
    const elsewhere = classes.some((o) => o !== c && sources.some((s) => s !== from[0] && counts[o][s] > 0));
    if (elsewhere) out.singleSourceClasses.push({ className: c, source: from[0], n: rowSum[i] });
  });
  return out;
}
