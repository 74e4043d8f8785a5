import { labelSourceAssociation } from './association.ts';
import { sourceProbe } from './source-probe.ts';
import type { CheckItem, ConfoundingReport, EvalWarning } from './types.ts';

/** Cramér's V from which the label counts as strongly tied to the source. */
export const STRONG_ASSOCIATION = 0.3;
/** Source-probe AUC from which the encoder can tell the sources apart. */
export const SOURCE_SEPARABLE = 0.85;

const pct = (x: number) => `${Math.round(x * 100)} %`;

/**
 * Shortcut and confounding checks on a labelled set. Before training only labels and sources
 * are needed; with features (after training, or whenever they are cached) the source probe adds
 * whether the encoder sees the source. Warnings are written for a clinician, not a statistician.
 */
export function confoundingChecks(
  items: CheckItem[],
  features?: { x: Float32Array; dim: number },
  opts: { seed?: number } = {},
): ConfoundingReport {
  const association = labelSourceAssociation(items);
  const warnings: EvalWarning[] = [];
  const a = association;
  const single = a.singleSourceClasses;
  if (single.length >= 2 && single.length === a.classes.length) {
    warnings.push({
      code: 'single-source-class',
      message:
        `every class comes from its own source (${single.map((s) => `${s.className}: ${s.source}`).join(', ')}): ` +
        'the model may learn the source instead of the disease, and its validation score says nothing about a new site. ' +
        'Add images of each class from the same sources, and check the per-source results.',
      details: { singleSourceClasses: single },
    });
  } else
    for (const s of single) {
      warnings.push({
        code: 'single-source-class',
        message:
          `all ${s.n} ${s.className} images come from one source (${s.source}) and the other classes come from elsewhere: ` +
          `the model may learn the source instead of ${s.className}. Add ${s.className} images from other sources, ` +
          `or images of the other classes from ${s.source}, and check the per-source results.`,
        details: { ...s },
      });
    }
  const strong = a.cramersV >= STRONG_ASSOCIATION && a.pValue < 0.01;
  if (strong && !a.singleSourceClasses.length) {
    warnings.push({
      code: 'label-source-association',
      message:
        `the label depends strongly on the source (Cramér's V ${a.cramersV.toFixed(2)}, ${a.test} p ${fmtP(a.pValue)}): ` +
        `knowing only where an image came from gives the right label ${pct(a.sourceOnlyAccuracy)} of the time ` +
        `(always guessing the commonest class: ${pct(a.majorityAccuracy)}). The model may learn the source; ` +
        'compare the per-source results.',
      details: { cramersV: a.cramersV, pValue: a.pValue, test: a.test },
    });
  }
  let probe: ConfoundingReport['sourceProbe'];
  if (features && a.sources.length >= 2) {
    probe = sourceProbe(
      features.x,
      features.dim,
      items.map((i) => i.source ?? '(no source)'),
      items.map((i, k) => (i.patientId ? `p:${i.patientId}` : `i:${k}`)),
      { seed: opts.seed },
    );
    if (probe && probe.auc >= SOURCE_SEPARABLE && (strong || a.singleSourceClasses.length)) {
      warnings.push({
        code: 'source-predictable',
        message:
          `the encoder features tell the sources apart (cross-validated AUC ${probe.auc.toFixed(2)}) and the labels ` +
          'depend on the source: a high score on this data can come from recognising the hospital rather than the ' +
          'disease. Trust only results on a source with both classes, or on a new site.',
        details: { ...probe },
      });
    }
  }
  return { association, sourceProbe: probe, warnings };
}

export function fmtP(p: number): string {
  return p < 1e-4 ? '< 0.0001' : p.toFixed(4);
}
