/**
 * The segmentation benches' data: a project of the ieee8023 images with a manual `masks_v7`
 * lung mask (the only manual lung masks in ../shared/data), and a patient-grouped split of
 * the masked images (30 % of patients held out, seed 7) that every seg bench scores on.
 */
import type { ProjectStore } from '../src/core/store/types.ts';
import { groupedSplit } from '../src/core/train/split.ts';
import { benchProject, sharedItems } from './engine-project.ts';

export interface SegBenchData {
  store: ProjectStore;
  /** Every image with a lung mask. */
  masked: number[];
  /** Images of the patients not held out, and of the held-out patients. */
  train: number[];
  test: number[];
}

export async function segBenchData(dir: string): Promise<SegBenchData> {
  const items = sharedItems('ieee8023').filter((i) => /masks_v7/.test(i.mask ?? ''));
  const store = await benchProject(dir, items, false, ['covid19', 'pneumonia', 'normal', 'other_abnormal']);
  const masked = store.listMasks('lung').map((m) => store.getImage(m.imageId)!);
  const split = groupedSplit(
    masked.map((i) => ({ id: i.id, group: i.patientId ?? `i${i.id}`, label: 0 })),
    0.3,
    7,
  );
  return { store, masked: masked.map((i) => i.id), train: split.train, test: split.val };
}
