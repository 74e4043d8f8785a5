/**
 * Inline SVG charts for the offline report: no scripts, no external assets, legible when
 * printed. Every label is dark text on white; every curve has a legend entry in words.
 */
import type { CalibrationBin, RocBand } from './curves.ts';

const W = 320;
const H = 300;
const M = { l: 46, r: 12, t: 30, b: 42 };
const pw = W - M.l - M.r;
const ph = H - M.t - M.b;
const X = (v: number) => M.l + v * pw;
const Y = (v: number) => M.t + (1 - v) * ph;

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  body: string,
  legend: Array<[string, string]>,
): string {
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]
    .map(
      (t) =>
        `<line x1="${X(t)}" y1="${Y(0)}" x2="${X(t)}" y2="${Y(1)}" stroke="#e5e5e5"/>` +
        `<line x1="${X(0)}" y1="${Y(t)}" x2="${X(1)}" y2="${Y(t)}" stroke="#e5e5e5"/>` +
        `<text x="${X(t)}" y="${Y(0) + 14}" text-anchor="middle">${t}</text>` +
        `<text x="${X(0) - 6}" y="${Y(t) + 4}" text-anchor="end">${t}</text>`,
    )
    .join('');
  // Legend below the axes, one entry per line: never over the curves, never cut off.
  const leg = legend
    .map(
      ([color, name], i) =>
        `<rect x="${M.l}" y="${H + 6 + i * 16 - 9}" width="12" height="10" fill="${color}"/>` +
        `<text x="${M.l + 16}" y="${H + 6 + i * 16}">${esc(name)}</text>`,
    )
    .join('');
  const h = H + 8 + legend.length * 16;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${esc(title)}" font-family="sans-serif" font-size="11" fill="#222">` +
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>` +
    ticks +
    `<rect x="${M.l}" y="${M.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>` +
    body +
    leg +
    `<text x="${M.l + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text transform="translate(12 ${M.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>` +
    '</svg>'
  );
}

const path = (pts: Array<[number, number]>) =>
  pts.map(([x, y], i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join('');

/** ROC curve with its bootstrap 95 % band and the chosen operating point. */
export function rocSvg(roc: RocBand, title: string, point?: { fpr: number; tpr: number }): string {
  let body = `<path d="${path([
    [0, 0],
    [1, 1],
  ])}" stroke="#999" stroke-dasharray="4 3" fill="none"/>`;
  const legend: Array<[string, string]> = [['#1f5fa8', 'ROC']];
  if (roc.band.length) {
    const upper = roc.band.map((b) => [b.fpr, b.hi] as [number, number]);
    const lower = roc.band.map((b) => [b.fpr, b.lo] as [number, number]).reverse();
    body += `<path d="${path([...upper, ...lower])}Z" fill="#1f5fa8" fill-opacity="0.18" stroke="none"/>`;
    legend.push(['#a9c0dd', '95 % band (bootstrap)']);
  }
  body += `<path d="${path(roc.points.map((p) => [p.fpr, p.tpr]))}" stroke="#1f5fa8" stroke-width="2" fill="none"/>`;
  if (point) {
    body += `<circle cx="${X(point.fpr)}" cy="${Y(point.tpr)}" r="5" fill="#c0392b"/>`;
    legend.push(['#c0392b', 'chosen threshold']);
  }
  return frame(title, 'false-positive rate (1 − specificity)', 'sensitivity', body, legend);
}

/** Reliability diagram: observed rate vs mean predicted probability, dot area ∝ images. */
export function calibrationSvg(bins: CalibrationBin[], title: string): string {
  const max = Math.max(1, ...bins.map((b) => b.count));
  let body = `<path d="${path([
    [0, 0],
    [1, 1],
  ])}" stroke="#999" stroke-dasharray="4 3" fill="none"/>`;
  body += `<path d="${path(bins.map((b) => [b.meanPredicted, b.observed]))}" stroke="#2e7d32" stroke-width="2" fill="none"/>`;
  body += bins
    .map(
      (b) =>
        `<circle cx="${X(b.meanPredicted)}" cy="${Y(b.observed)}" r="${(3 + 7 * Math.sqrt(b.count / max)).toFixed(1)}" fill="#2e7d32" fill-opacity="0.5"><title>${b.count} images</title></circle>`,
    )
    .join('');
  return frame(title, 'predicted probability', 'observed share positive', body, [
    ['#2e7d32', 'model (dot size = images)'],
    ['#999', 'perfect calibration'],
  ]);
}
