import type { OverlapReport } from './types.ts';

/** What is known of the model's training images. */
export interface TrainingSet {
  sha256: Set<string>;
  patients: Set<string>;
  basis: OverlapReport['basis'];
}

/**
 * Evaluation images that were in training, by file content (sha256) or by patient. A patient
 * match counts only images not already matched by content; both mean the result is optimistic.
 */
export function findOverlap(
  items: Array<{ file: string; sha256: string; patientId?: string | null }>,
  train: TrainingSet,
): OverlapReport {
  let sameImage = 0;
  let samePatient = 0;
  const examples: string[] = [];
  for (const it of items) {
    if (train.sha256.has(it.sha256)) sameImage++;
    else if (it.patientId && train.patients.has(it.patientId)) samePatient++;
    else continue;
    if (examples.length < 5) examples.push(it.file);
  }
  return { sameImage, samePatient, n: items.length, examples, basis: train.basis };
}
