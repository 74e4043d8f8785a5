import { meanSd } from './sim-report.ts';
import type { SimResult } from './sim-types.ts';

const COLORS: Record<string, string> = {
  hybrid: '#d62728',
  uncertainty: '#ff7f0e',
  diversity: '#2ca02c',
  random: '#1f77b4',
};

/** Learning curves (mean over seeds, min–max band) as a standalone SVG. */
export function learningCurveSvg(
  r: SimResult,
  title: string,
  reference?: { labels: number; value: number },
): string {
  const W = 640;
  const H = 400;
  const m = { l: 60, r: 150, t: 36, b: 48 };
  const xs = r.curves.flatMap((c) => c.labels);
  const all = r.curves.flatMap((c) => c.values.flat());
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const lo = Math.floor(Math.min(...all) * 20) / 20;
  const hi = Math.min(1, Math.ceil(Math.max(...all) * 20) / 20);
  const X = (v: number) => m.l + ((v - x0) / Math.max(1, x1 - x0)) * (W - m.l - m.r);
  const Y = (v: number) => H - m.b - ((v - lo) / Math.max(1e-9, hi - lo)) * (H - m.t - m.b);
  const f = (v: number) => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="${title.length > 70 ? 11 : 14}">${esc(title)}</text>`,
  ];
  for (let k = 0; k <= 5; k++) {
    const v = lo + ((hi - lo) * k) / 5;
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${f(Y(v))}" y2="${f(Y(v))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.l - 6}" y="${f(Y(v) + 4)}" text-anchor="end">${v.toFixed(3)}</text>`);
  }
  const step = niceStep(x1 - x0);
  for (let v = Math.ceil(x0 / step) * step; v <= x1; v += step) {
    out.push(`<line x1="${f(X(v))}" x2="${f(X(v))}" y1="${H - m.b}" y2="${H - m.b + 4}" stroke="#333"/>`);
    out.push(`<text x="${f(X(v))}" y="${H - m.b + 17}" text-anchor="middle">${v}</text>`);
  }
  out.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`,
  );
  out.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${r.metric === 'Dice' ? 'labelled masks' : 'labelled images'}</text>`,
  );
  out.push(
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">held-out ${r.metric}</text>`,
  );
  r.curves.forEach((c, ci) => {
    const col = COLORS[c.strategy] ?? '#555';
    const s = c.values.map(meanSd);
    const band = [
      ...c.labels.map((x, i) => `${f(X(x))},${f(Y(s[i].max))}`),
      ...c.labels.map((x, i) => `${f(X(x))},${f(Y(s[i].min))}`).reverse(),
    ].join(' ');
    out.push(`<polygon points="${band}" fill="${col}" fill-opacity="0.15" stroke="none"/>`);
    out.push(
      `<polyline points="${c.labels.map((x, i) => `${f(X(x))},${f(Y(s[i].mean))}`).join(' ')}" fill="none" stroke="${col}" stroke-width="2"/>`,
    );
    const ly = m.t + 14 + ci * 20;
    out.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 36}" y1="${ly - 4}" y2="${ly - 4}" stroke="${col}" stroke-width="3"/>`,
    );
    out.push(`<text x="${W - m.r + 42}" y="${ly}">${esc(c.strategy)}</text>`);
  });
  const ny = m.t + 14 + r.curves.length * 20 + 6;
  out.push(`<text x="${W - m.r + 12}" y="${ny}" fill="#666" font-size="10">bands: min–max over</text>`);
  out.push(
    `<text x="${W - m.r + 12}" y="${ny + 12}" fill="#666" font-size="10">${r.config.seeds.length} seeds</text>`,
  );
  if (reference && reference.value >= lo && reference.value <= hi) {
    // The goal: reach random's value at the reference count with at most 60 % of its labels.
    const gy = f(Y(reference.value));
    const gx = f(X(0.6 * reference.labels));
    out.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${gy}" y2="${gy}" stroke="#555" stroke-dasharray="4 3"/>`,
    );
    out.push(
      `<line x1="${gx}" x2="${gx}" y1="${m.t}" y2="${H - m.b}" stroke="#555" stroke-dasharray="2 3"/>`,
    );
    out.push(
      `<text x="${gx}" y="${m.t + 12}" dx="4" fill="#555" font-size="10">60 % of ${reference.labels}</text>`,
    );
    out.push(
      `<text x="${W - m.r - 4}" y="${gy}" dy="-4" text-anchor="end" fill="#555" font-size="10">random @ ${reference.labels}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceStep(span: number): number {
  for (const s of [10, 20, 25, 50, 100, 200, 500]) if (span / s <= 8) return s;
  return 1000;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
