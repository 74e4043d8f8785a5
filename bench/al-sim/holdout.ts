import { createHash } from 'node:crypto';

/**
 * The patients set aside from every training pool of the benchmarks: a patient is held out when
 * the first 8 hex digits of sha1("<set>-holdout:" + patient_id), read as a fraction of 2³², are
 * below 0.2 (Kermany: 1,147 of 5,216 images; NIH by the same rule with its own prefix).
 */
export function keptOut(patient: string, set: 'kermany' | 'nih' = 'kermany'): boolean {
  const h = createHash('sha1').update(`${set}-holdout:${patient}`).digest('hex');
  return Number.parseInt(h.slice(0, 8), 16) / 2 ** 32 < 0.2;
}
