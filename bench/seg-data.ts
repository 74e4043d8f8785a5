/**
 * The segmentation benches' data: a project of the ieee8023 images with a manual `masks_v7`
 * lung mask (the only manual lung masks in ../shared/data), and a patient-grouped split of
 * the masked images (30 % of patients held out, seed 7) that every seg bench scores on.
 */
import { decodeMaskPng } from '../src/core/imaging/index.ts';
import type { ProjectStore } from '../src/core/store/types.ts';
import { getEncoder } from '../src/core/train/engine.ts';
import { loadSegmenter, openModel, type SegmenterConfig } from '../src/core/train/index.ts';
import { maskMetrics } from '../src/core/train/seg-metrics.ts';
import { segReport } from '../src/core/train/segment.ts';
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

/**
 * A saved decoder's Dice / IoU / HD95 on images it never saw (not even for early stopping):
 * the product's prediction path (encoder passes, flip TTA, lung clean-up) at original geometry.
 */
export async function scoreHeldOut(store: ProjectStore, modelId: number, ids: number[], encoderDir: string) {
  const { row, weights } = openModel(store, modelId);
  const seg = loadSegmenter(row.config as unknown as SegmenterConfig, weights);
  const enc = await getEncoder(store, { encoderDir, provider: 'cpu' });
  const per = [];
  const t0 = performance.now();
  for (const id of ids) {
    const img = store.getImage(id)!;
    const [pred] = await seg.predictFiles(enc, [store.imagePath(img)]);
    const truth = await decodeMaskPng(store.getMask(id, 'lung')!.png, `mask of image ${id}`);
    per.push({
      imageId: id,
      source: img.source,
      ...maskMetrics(pred.mask, truth.data, truth.width, truth.height),
    });
  }
  seg.dispose();
  return {
    report: segReport(per),
    encoder: enc.card.name,
    msPerImage: (performance.now() - t0) / ids.length,
  };
}
