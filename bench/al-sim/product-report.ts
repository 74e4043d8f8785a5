import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../src/core/util/rng.ts';
import type { CampaignRecord } from './product-sim.ts';

const B = 2000;

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
function pct(v: number[], q: number): number {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

/** Mean curve value at `labels` (linear interpolation between evaluated counts). */
function at(labels: number[], m: number[], x: number): number {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === x) return m[i];
    if (labels[i] > x && i > 0)
      return m[i - 1] + ((x - labels[i - 1]) / (labels[i] - labels[i - 1])) * (m[i] - m[i - 1]);
  }
  return m[m.length - 1];
}

/** Labels from which the mean curve reaches `target` and stays there; Infinity if it never does. */
function reach(labels: number[], m: number[], target: number): number {
  let last = -1;
  for (let i = 0; i < m.length; i++) if (m[i] < target) last = i;
  if (last === m.length - 1) return Number.POSITIVE_INFINITY;
  if (last < 0) return labels[0];
  return labels[last] + ((target - m[last]) / (m[last + 1] - m[last])) * (labels[last + 1] - labels[last]);
}

export interface Reach {
  /** Fraction of the reference labels (point estimate on all seeds) and its bootstrap 95 % interval. */
  fraction: number;
  lo: number;
  hi: number;
}

/**
 * Per test set: mean AUC per label count with a 95 % bootstrap interval over seeds, and the
 * label fraction at which each strategy's mean curve reaches random's mean AUC at `ref` labels,
 * with a paired bootstrap over seeds (the same resampled seeds for the strategy and random,
 * whose reference is recomputed on each resample). Infinity: not reached within the budget.
 */
export function summarise(recs: CampaignRecord[], test: string, ref: number) {
  const strategies = [...new Set(recs.map((r) => r.strategy))];
  const seeds = [...new Set(recs.map((r) => r.seed))].sort((x, y) => x - y);
  const by = new Map(recs.map((r) => [`${r.strategy}/${r.seed}`, r]));
  // Each strategy is paired with random on the seeds both have run (runs may be partial).
  const pairedOf = (st: string) => seeds.filter((s) => by.has(`${st}/${s}`) && by.has(`random/${s}`));
  const full = pairedOf('random');
  // Strategies may stop at different budgets (random runs to the reference; the others to
  // where the goal is decided), so every curve has its own label counts.
  const labelsOf = (st: string) =>
    recs
      .filter((r) => r.strategy === st)
      .map((r) => r.labels)
      .reduce((a, b) => (b.length < a.length ? b : a));
  const labels = labelsOf('random');
  const curve = (st: string, ss: number[]) =>
    labelsOf(st).map((_, i) => mean(ss.map((s) => by.get(`${st}/${s}`)!.auc[test][i])));
  const out = strategies.map((st) => {
    const ls = labelsOf(st);
    const paired = pairedOf(st);
    const rand = mulberry32(12345);
    const resamples = Array.from({ length: B }, () =>
      paired.map(() => paired[Math.floor(rand() * paired.length)]),
    );
    const m = curve(st, paired);
    const band = ls.map((_, i) => {
      const v = resamples.map((ss) => mean(ss.map((s) => by.get(`${st}/${s}`)!.auc[test][i])));
      return [pct(v, 0.025), pct(v, 0.975)] as [number, number];
    });
    const refOf = (ss: number[]) => at(labels, curve('random', ss), ref);
    // Paired difference to random at every shared label count: its 95 % bootstrap interval
    // entirely below zero means measurably worse than random there.
    const worseAt = ls.filter((l, i) => {
      const j = labels.indexOf(l);
      if (j < 0) return false;
      const diff = (ss: number[]) =>
        mean(ss.map((s) => by.get(`${st}/${s}`)!.auc[test][i] - by.get(`random/${s}`)!.auc[test][j]));
      return pct(resamples.map(diff), 0.975) < 0;
    });
    const f = reach(ls, m, refOf(paired)) / ref;
    const fs = resamples.map((ss) => reach(ls, curve(st, ss), refOf(ss)) / ref);
    return {
      strategy: st,
      labels: ls,
      seeds: paired.length,
      worseAt,
      mean: m,
      band,
      reach: { fraction: f, lo: pct(fs, 0.025), hi: pct(fs, 0.975) },
    };
  });
  return { test, labels, seeds: full, reference: at(labels, curve('random', full), ref), strategies: out };
}

export function productReport(recs: CampaignRecord[], o: { budget: number; figures?: string }): string {
  if (!recs.length) return 'no campaigns recorded yet';
  const tests = Object.keys(recs[0].auc);
  const ref = Math.min(200, o.budget);
  const lines: string[] = [];
  for (const t of tests) {
    const s = summarise(recs, t, ref);
    const pts = s.labels.filter((l) => l === 20 || l % 40 === 0 || l === 200);
    lines.push(
      `\n### ${recs[0].setting} pool, ${t}: AUC (mean [95 % bootstrap interval over ${s.seeds.length} seeds])\n`,
      `| strategy | ${pts.join(' | ')} | labels to reach random@${ref} (${s.reference.toFixed(3)}) [95 % CI] | seeds | measurably worse than random at |`,
      `|---|${pts.map(() => '---').join('|')}|---|---|---|`,
    );
    for (const c of s.strategies) {
      const cells = pts.map((p) => {
        const i = c.labels.indexOf(p);
        if (i < 0) return '–';
        return `${c.mean[i].toFixed(3)} [${c.band[i][0].toFixed(3)}–${c.band[i][1].toFixed(3)}]`;
      });
      const past = `> ${Math.round((100 * c.labels.at(-1)!) / ref)} %`;
      const f = (v: number) => (Number.isFinite(v) ? `${Math.round(100 * v)} %` : past);
      lines.push(
        `| ${c.strategy} | ${cells.join(' | ')} | ${f(c.reach.fraction)} [${f(c.reach.lo)}–${f(c.reach.hi)}] | ${c.seeds} | ${c.worseAt.join(', ') || 'nowhere'} |`,
      );
    }
    if (o.figures) {
      mkdirSync(o.figures, { recursive: true });
      const name = `al-product-${recs[0].setting}-${t.replace(/\W+/g, '-')}`;
      writeFileSync(path.join(o.figures, `${name}.svg`), curveSvg(s, `${recs[0].setting} pool, ${t}`, ref));
      writeFileSync(path.join(o.figures, `${name}.json`), `${JSON.stringify(s)}\n`);
      lines.push(`\nfigure: ${path.join(o.figures, `${name}.svg`)}`);
    }
  }
  // Class mix and chosen penalty of the labels, per strategy (the 50-label dip's suspects).
  lines.push(
    '\n| strategy | pneumonia share of labels at 20 / 40 / 60 / 100 / 140 / 200 | median λ chosen at 20 / 40 / 60 / 100 / 140 / 200 |',
    '|---|---|---|',
  );
  for (const st of [...new Set(recs.map((r) => r.strategy))]) {
    const rs = recs.filter((r) => r.strategy === st);
    const at = [20, 40, 60, 100, 140, 200].map((l) =>
      rs.filter((r) => r.labels.includes(l)).map((r) => [r, r.labels.indexOf(l)] as const),
    );
    const share = at.map((v) =>
      v.length ? `${Math.round(100 * mean(v.map(([r, i]) => r.positive[i])))} %` : '–',
    );
    const lam = at.map((v) =>
      v.length
        ? String(
            pct(
              v.map(([r, i]) => r.lambda[i] ?? Number.NaN),
              0.5,
            ),
          )
        : '–',
    );
    lines.push(`| ${st} | ${share.join(' / ')} | ${lam.join(' / ')} |`);
  }
  return lines.join('\n');
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2'];

function curveSvg(s: ReturnType<typeof summarise>, title: string, ref: number): string {
  const W = 640;
  const H = 400;
  const m = { l: 56, r: 140, t: 32, b: 44 };
  const vals = s.strategies.flatMap((c) => c.band.flat());
  const lo = Math.floor(Math.min(...vals) * 20) / 20;
  const hi = Math.min(1, Math.ceil(Math.max(...vals) * 20) / 20);
  const x0 = s.labels[0];
  const x1 = s.labels.at(-1)!;
  const X = (v: number) => m.l + ((v - x0) / Math.max(1, x1 - x0)) * (W - m.l - m.r);
  const Y = (v: number) => H - m.b - ((v - lo) / Math.max(1e-9, hi - lo)) * (H - m.t - m.b);
  const f = (v: number) => v.toFixed(1);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="20" font-size="14">${title}: AUC vs labels (mean, 95 % interval over ${s.seeds.length} seeds)</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
  ];
  for (let v = lo; v <= hi + 1e-9; v += 0.05)
    out.push(`<text x="${m.l - 6}" y="${f(Y(v) + 4)}" text-anchor="end">${v.toFixed(2)}</text>`);
  for (const l of s.labels.filter((l) => l % 40 === 0 || l === x0))
    out.push(`<text x="${f(X(l))}" y="${H - m.b + 16}" text-anchor="middle">${l}</text>`);
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">labels</text>`);
  out.push(
    `<line x1="${m.l}" y1="${f(Y(s.reference))}" x2="${W - m.r}" y2="${f(Y(s.reference))}" stroke="#888" stroke-dasharray="4 3"/>`,
    `<text x="${W - m.r + 4}" y="${f(Y(s.reference) + 4)}" fill="#888">random@${ref}</text>`,
  );
  s.strategies.forEach((c, k) => {
    const col = COLORS[k % COLORS.length];
    const up = c.labels.map((l, i) => `${f(X(l))},${f(Y(c.band[i][1]))}`);
    const dn = c.labels.map((l, i) => `${f(X(l))},${f(Y(c.band[i][0]))}`).reverse();
    out.push(
      `<polygon points="${[...up, ...dn].join(' ')}" fill="${col}" fill-opacity="0.12" stroke="none"/>`,
    );
    out.push(
      `<polyline points="${c.labels.map((l, i) => `${f(X(l))},${f(Y(c.mean[i]))}`).join(' ')}" fill="none" stroke="${col}" stroke-width="2"/>`,
    );
    out.push(`<text x="${W - m.r + 4}" y="${m.t + 16 * k + 30}" fill="${col}">${c.strategy}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
