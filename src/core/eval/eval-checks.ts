import { positiveIndex } from '../stats/positive-class.ts';
import type { ModelContext } from './model-checks.ts';
import { oodScores, oodSummary } from './ood.ts';
import { describeTarget, operatingPoint, tradeoff } from './operating.ts';
import { findOverlap } from './overlap.ts';
import { smallNWarning } from './small-n.ts';
import { trainingSetKeys } from './training-set.ts';
import type { EvalChecks, EvalImage, EvalWarning, OperatingTarget } from './types.ts';

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

/**
 * The checks of one evaluation: overlap with training, out-of-distribution share against the
 * training reference, the model's training-data shortcut warnings, small n, and the operating
 * point for a target. `pooled` holds the evaluation images' pooled features (row-major).
 */
export function evalChecks(
  ctx: ModelContext,
  images: EvalImage[],
  pooled: { x: Float32Array; dim: number } | undefined,
  classes: string[],
  opts: { target?: OperatingTarget; features: { computed: number; cached: number } },
): EvalChecks {
  const warnings: EvalWarning[] = [...ctx.confounding.warnings];
  const nPerClass = Object.fromEntries(classes.map((c) => [c, images.filter((i) => i.label === c).length]));
  const overlap = findOverlap(
    images.map((i) => ({ file: i.file, sha256: i.sha256, patientId: i.patientId })),
    trainingSetKeys(ctx.training),
  );
  if (overlap.sameImage) {
    warnings.push({
      code: 'overlap-image',
      message:
        `${overlap.sameImage} of ${overlap.n} evaluation images were used to train this model (same file content): ` +
        'results on them are optimistic. Evaluate on images the model has never seen.',
      details: { count: overlap.sameImage, examples: overlap.examples },
    });
  }
  if (overlap.samePatient) {
    warnings.push({
      code: 'overlap-patient',
      message:
        `${overlap.samePatient} of ${overlap.n} evaluation images belong to patients whose images were used in ` +
        'training (same patient id): results on them are optimistic.',
      details: { count: overlap.samePatient },
    });
  }
  let ood: EvalChecks['ood'];
  if (ctx.ood && pooled?.x.length) {
    const s = oodScores(ctx.ood.ref, pooled.x, ctx.ood.cal.k);
    images.forEach((im, i) => {
      im.ood = s[i];
      im.flagged = s[i] > ctx.ood!.cal.threshold;
    });
    ood = oodSummary(ctx.ood.cal, s);
    if (ood.shifted) {
      warnings.push({
        code: 'distribution-shift',
        message:
          `${pct(ood.share)} of these images (${ood.flagged} of ${ood.n}) look unlike the training images ` +
          `(expected about ${pct(ood.expectedShare)}): this set has shifted from the training data (another site, ` +
          'population or scanner). Expect the figures to differ from validation; recalibrate with a few local labels.',
        details: { share: ood.share, flagged: ood.flagged, n: ood.n },
      });
    }
  }
  const small = smallNWarning(nPerClass, 'this evaluation set');
  if (small) warnings.push(small);
  const out: EvalChecks = {
    warnings,
    nPerClass,
    trainingConfounding: ctx.confounding,
    ood,
    overlap,
    features: opts.features,
  };
  const pos = positiveIndex(classes);
  if (pos !== null) {
    const s = images.map((i) => i.probs[pos]);
    const y = images.map((i) => i.label === classes[pos]);
    out.tradeoff = tradeoff(s, y, 41);
    if (opts.target) {
      out.operating = operatingPoint(s, y, opts.target);
      if (!out.operating.reached)
        warnings.push({
          code: 'small-n',
          message: `no threshold reaches ${describeTarget(opts.target)} on this set; the closest is shown.`,
        });
    }
  }
  return out;
}
