import { fmtP } from './confounding.ts';
import { describeTarget } from './operating.ts';
import { calibrationSvg, esc, rocSvg } from './svg.ts';
import type { ReportData, TradeoffRow } from './types.ts';

const f3 = (x: number | undefined | null) =>
  x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

const CSS = `
body{font-family:system-ui,sans-serif;color:#111;background:#fff;max-width:1000px;margin:24px auto;padding:0 16px;line-height:1.4}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #ccc;padding-bottom:3px}
.muted{color:#555}.warn{background:#fff4e5;border-left:4px solid #e67e22;padding:8px 12px;margin:6px 0}
.ok{background:#eef7ee;border-left:4px solid #2e7d32;padding:8px 12px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:16px}.big{font-size:20px;font-weight:bold}
pre{background:#f7f7f7;padding:8px;font-size:11px;white-space:pre-wrap;word-break:break-word}
@media print{body{margin:0}h2{break-after:avoid}.charts,table{break-inside:avoid}}`;

function table(head: string[], rows: Array<Array<string | number>>): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function nText(n: Record<string, number>): string {
  return Object.entries(n)
    .map(([c, k]) => `${k} ${c}`)
    .join(', ');
}

function tradeoffRows(rows: TradeoffRow[]): string {
  // A handful of rows across the range: what a clinic trades at each threshold.
  const want = [0.99, 0.95, 0.9, 0.8, 0.7, 0.5];
  const picked = want
    .map((s) => rows.filter((r) => r.sensitivity >= s).at(-1))
    .filter((r): r is TradeoffRow => !!r)
    .filter((r, i, a) => a.findIndex((o) => o.threshold === r.threshold) === i);
  return table(
    ['threshold', 'sensitivity', 'specificity', 'PPV', 'NPV', 'TP', 'FP', 'TN', 'FN'],
    picked.map((r) => [
      f3(r.threshold),
      f3(r.sensitivity),
      f3(r.specificity),
      f3(r.ppv),
      f3(r.npv),
      r.tp,
      r.fp,
      r.tn,
      r.fn,
    ]),
  );
}

/** The whole report as one self-contained HTML page (inline CSS and SVG, no scripts, no links). */
export function renderReportHtml(d: ReportData): string {
  const parts: string[] = [];
  parts.push(`<h1>${esc(d.title)}</h1>`);
  parts.push(
    `<p class="muted">Model ${d.model.id} “${esc(d.model.name)}” (${esc(d.model.head)} head, classes ${esc(d.model.classes.join(', '))}) · ` +
      `evaluated on ${esc(d.evaluatedOn)} · generated ${esc(d.generatedAt.slice(0, 19).replace('T', ' '))} UTC</p>`,
  );
  parts.push('<h2>Warnings</h2>');
  parts.push(
    d.warnings.length
      ? d.warnings
          .map((w) => `<div class="warn" data-code="${esc(w.code)}">⚠ ${esc(w.message)}</div>`)
          .join('')
      : '<div class="ok">No shortcut, shift, overlap or small-sample warning was raised for this evaluation.</div>',
  );
  parts.push('<h2>Headline</h2>');
  const head: string[] = [];
  if (d.auc !== undefined)
    head.push(
      `<div><span class="big">AUC ${f3(d.auc)}</span> [95 % CI ${f3(d.aucCI?.[0])}–${f3(d.aucCI?.[1])}] for ${esc(d.positiveClass ?? '')} on ${d.n} images (${esc(nText(d.nPerClass))})</div>`,
    );
  head.push(
    `<div>Accuracy ${f3(d.accuracy)} · expected calibration error ${f3(d.ece)}${d.failed ? ` · ${d.failed} images could not be read` : ''}</div>`,
  );
  if (d.estimate?.method === 'none')
    head.push(
      `<div>Training estimate: none — ${esc(d.estimate.note ?? 'too few patients per class to hold any out')}</div>`,
    );
  if (d.estimate && d.estimate.method !== 'none') {
    const e = d.estimate;
    head.push(
      `<div>Training estimate (${esc(e.method === 'grouped-cv' ? `patient-grouped cross-validation, ${e.folds} folds × ${e.repeats} repeats` : 'one patient-grouped validation split')}): AUC ${f3(e.auc)} [${f3(e.ci?.[0])}–${f3(e.ci?.[1])}] from ${esc(nText(e.nPerClass))}` +
        `${e.tooSmall ? ' — <b>too few images for this figure to mean much</b>' : ''}${e.note ? ` (${esc(e.note)})` : ''}</div>`,
    );
  }
  parts.push(head.join(''));
  parts.push('<div class="charts">');
  if (d.roc) {
    const pt = d.atThreshold
      ? { fpr: 1 - d.atThreshold.specificity, tpr: d.atThreshold.sensitivity }
      : undefined;
    parts.push(rocSvg(d.roc, `ROC, ${d.positiveClass} (AUC ${f3(d.auc)})`, pt));
  }
  if (d.calibration.length) parts.push(calibrationSvg(d.calibration, 'Calibration'));
  parts.push('</div>');
  parts.push(`<h2>Confusion at threshold ${f3(d.confusion.threshold)}</h2>`);
  const chosen = (d.model.config as { thresholdChoice?: { rule?: string; setAt?: string } }).thresholdChoice;
  if (chosen?.rule)
    parts.push(
      `<p>Threshold chosen by the user for ${esc(chosen.rule)} (${esc(chosen.setAt?.slice(0, 10) ?? '')}), read on held-out predictions of the training labels: optimistic for new patients, and not measured on a new site.</p>`,
    );
  parts.push(
    table(
      ['true \\ predicted', ...d.confusion.labels],
      d.confusion.labels.map((l, i) => [l, ...d.confusion.matrix[i]]),
    ),
  );
  if (d.atThreshold)
    parts.push(
      `<p>Sensitivity ${f3(d.atThreshold.sensitivity)}, specificity ${f3(d.atThreshold.specificity)}, PPV ${f3(d.atThreshold.ppv)}, NPV ${f3(d.atThreshold.npv)}.</p>`,
    );
  if (d.tradeoff?.length) {
    parts.push('<h2>Operating points on this set</h2>');
    if (d.operating)
      parts.push(
        `<p>Target ${esc(describeTarget(d.operating.target))}: threshold ${f3(d.operating.threshold)} gives sensitivity ${f3(d.operating.sensitivity)}, specificity ${f3(d.operating.specificity)}${d.operating.reached ? '' : ' (target not reached)'}. A threshold chosen on the same images it is judged on is optimistic; use it as a local calibration.</p>`,
      );
    parts.push(tradeoffRows(d.tradeoff));
  }
  parts.push('<h2>Per source</h2>');
  parts.push(
    table(
      ['source', 'n', 'accuracy', 'AUC', '95 % CI'],
      d.perSource.map((s) => [
        s.source,
        s.n,
        f3(s.accuracy),
        f3(s.auc),
        s.aucCI ? `${f3(s.aucCI[0])}–${f3(s.aucCI[1])}` : '–',
      ]),
    ),
  );
  if (d.ood) {
    const o = d.ood;
    parts.push('<h2>Unlike the training data</h2>');
    parts.push(
      `<p>${o.flagged} of ${o.n} images (${pct(o.share)}) score above the ${Math.round(o.calibration.quantile * 100)}th percentile of held-out training images ` +
        `(k-NN distance in encoder feature space, k = ${o.calibration.k}, ${o.calibration.nReference} reference images); about ${pct(o.expectedShare)} is expected without shift ` +
        `(binomial p ${fmtP(o.pValue)}).</p>`,
    );
  }
  if (d.overlap)
    parts.push(
      `<p>Overlap with training (${esc(d.overlap.basis === 'recorded' ? 'images recorded with the model' : 'all labelled project images')}): ${d.overlap.sameImage} identical files, ${d.overlap.samePatient} images of training patients.</p>`,
    );
  if (d.confounding) {
    const a = d.confounding.association;
    parts.push('<h2>Training data: label × source</h2>');
    parts.push(
      table(
        ['class', ...a.sources, 'total'],
        a.classes.map((c) => [
          c,
          ...a.sources.map((s) => a.counts[c][s]),
          a.sources.reduce((t, s) => t + a.counts[c][s], 0),
        ]),
      ),
    );
    if (a.sources.length < 2)
      parts.push('<p>All training images come from one source: no label × source shortcut to test.</p>');
    else
      parts.push(
        `<p>Cramér's V ${f3(a.cramersV)} (${esc(a.test)}, p ${fmtP(a.pValue)}); label guessed from the source alone: ${pct(a.sourceOnlyAccuracy)} right (commonest class: ${pct(a.majorityAccuracy)}).` +
          `${d.confounding.sourceProbe ? ` Sources told apart from the encoder features with cross-validated AUC ${f3(d.confounding.sourceProbe.auc)}.` : ''}</p>`,
      );
  }
  parts.push('<h2>Encoder</h2>');
  parts.push(
    `<p>${esc(d.encoder.name)} · sha256 ${esc(d.encoder.id)}</p><pre>${esc(JSON.stringify(d.encoder.details, null, 1))}</pre>`,
  );
  parts.push('<h2>Training configuration</h2>');
  parts.push(`<pre>${esc(JSON.stringify(d.model.config, null, 1))}</pre>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)}</title><style>${CSS}</style></head><body>${parts.join('\n')}</body></html>\n`;
}
