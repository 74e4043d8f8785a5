import type { ClassifierMetrics, SegmentMetrics } from '../core/train/types.ts';

/**
 * One plain-language line per metric the CLI prints, for readers who do not live in ML
 * papers. Printed once under the metrics they explain.
 */
export function metricGlossary(m: ClassifierMetrics | SegmentMetrics): string[] {
  if ('dice' in m)
    return [
      'what these mean:',
      '  Dice / IoU  overlap of the predicted and the drawn mask (1 = identical, 0 = none)',
      '  HD95        how far, in pixels, the predicted outline strays from the drawn one (95th percentile)',
    ];
  const cv = m.estimate?.method === 'grouped-cv';
  const lines = [
    'what these mean:',
    ...(cv
      ? [
          '  CV, out-of-fold  cross-validation: the labels are split into folds by patient and each image is',
          '              scored by a model trained without it, so every label is used once as a test',
        ]
      : []),
    '  accuracy    share of held-out images whose most likely class is the labelled one',
    '  ECE         calibration error: average gap between a predicted % and how often it comes true (0 = honest)',
  ];
  if (m.binary) {
    const pos = m.binary.positiveClass;
    lines.push(
      `  AUC         how well the scores rank ${pos} images above the others (0.5 = chance, 1 = perfect)`,
      '  95% CI      the range the AUC would likely fall in on another set of this size (wide = few images)',
      `  sensitivity / specificity  share of ${pos} / other images called correctly at the threshold`,
      '  F1          one number for missed and false alarms together at the threshold (1 = none of either)',
    );
  }
  return lines;
}
