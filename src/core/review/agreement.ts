/**
 * Agreement between two annotators on the doubly-labelled subset: Cohen's kappa over the images
 * one labelled and the other reviewed (latest review per image and reviewer). Pure.
 */

export interface ReviewPair {
  imageId: number;
  labeller: string;
  author: string;
  reviewed: string;
  label: string;
  at: string;
}

export interface Agreement {
  labeller: string;
  reviewer: string;
  /** Images both gave a label to. */
  n: number;
  agree: number;
  /** Cohen's kappa; null when undefined (one class only on both sides, or no images). */
  kappa: number | null;
}

/** κ = (pₒ − pₑ) / (1 − pₑ) for two raters' labels on the same items. */
export function cohensKappa(pairs: Array<[string, string]>): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    if (x === y) agree++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [k, v] of a) pe += (v / n) * ((b.get(k) ?? 0) / n);
  if (pe >= 1) return null;
  return (po - pe) / (1 - pe);
}

/** One entry per (labeller, reviewer) pair, most reviewed first. */
export function agreements(reviews: ReviewPair[]): Agreement[] {
  const latest = new Map<string, ReviewPair>();
  for (const r of reviews) {
    if (r.labeller === r.author) continue;
    const key = `${r.labeller}\u0000${r.author}\u0000${r.imageId}`;
    const prev = latest.get(key);
    if (!prev || prev.at <= r.at) latest.set(key, r);
  }
  const groups = new Map<string, ReviewPair[]>();
  for (const r of latest.values()) {
    const key = `${r.labeller}\u0000${r.author}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()]
    .map((g) => ({
      labeller: g[0].labeller,
      reviewer: g[0].author,
      n: g.length,
      agree: g.filter((r) => r.reviewed === r.label).length,
      kappa: cohensKappa(g.map((r) => [r.reviewed, r.label])),
    }))
    .sort((x, y) => y.n - x.n);
}
