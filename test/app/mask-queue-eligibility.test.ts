import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acceptCorrectedMask } from '../../src/core/app/accept-mask.ts';
import type { Notifier } from '../../src/core/app/notify.ts';
import {
  lungMaskExcluded,
  MASK_CANDIDATES,
  maskCandidates,
  storeSegPredictions,
} from '../../src/core/app/seg-predictions.ts';
import { ProjectSession } from '../../src/core/app/session.ts';
import { state } from '../../src/core/app/state.ts';
import { suggestionPass } from '../../src/core/app/suggestion-pass.ts';
import { trainAndScore } from '../../src/core/app/train.ts';
import { openProject } from '../../src/core/store/index.ts';
import { releaseEncoders } from '../../src/core/train/engine.ts';
import { MICRO, ROOT } from '../active/real-embeddings.ts';
import { buildIeeeMasksProject } from '../ieee-masks-project.ts';
import { describeShared } from '../shared-data.ts';

const DICOM = path.resolve(ROOT, '../shared/data/dicom/share');
/** CT, MR, MR multi-frame, a 2-frame secondary capture (not chest by frames only), a chest CR. */
const UNFIT = [
  'CT_small_signed16_nowindow.dcm',
  'MR_small_explicitLE.dcm',
  'emri_small_10frames.dcm',
  'SC_rgb_2frames.dcm',
];
const CHEST_DICOM = 'cxr_CR10_explicitLE.dcm';

let dir: string;
let project: string;

beforeAll(() => {
  let run: (...a: string[]) => Buffer;
  ({ dir, project, run } = buildIeeeMasksProject({
    prefix: 'spcxr-maskq-',
    images: 9,
    masked: 6,
    onePerPatient: true,
  }));
  const dcm = path.join(dir, 'dicom');
  mkdirSync(dcm);
  for (const f of [...UNFIT, CHEST_DICOM]) symlinkSync(path.join(DICOM, f), path.join(dcm, f));
  run('import', project, dcm, '--reference');
});

afterAll(async () => {
  await releaseEncoders();
  rmSync(dir, { recursive: true, force: true });
});

const quiet: Notifier = new Proxy({} as Notifier, { get: () => () => {} });

describeShared('lung-mask work skips non-chest and multi-frame images', () => {
  it('no predictions, no queue place, a clear refusal; the images stay in the project', async () => {
    process.env.SPCXR_ENCODER = MICRO;
    const store = openProject(project);
    try {
      const all = store.listImages({ limit: 100 }).items;
      const byName = (n: string) => all.find((i) => path.basename(i.originalPath) === n)!.id;
      const unfit = UNFIT.map(byName);
      const chest = byName(CHEST_DICOM);
      const excluded = lungMaskExcluded(store);
      expect([...excluded.keys()].sort()).toEqual([...unfit].sort());
      expect(excluded.get(byName('CT_small_signed16_nowindow.dcm'))).toMatch(/modality CT/);
      expect(excluded.get(byName('SC_rgb_2frames.dcm'))).toMatch(/2 frames/);

      const r = await trainAndScore(store, {
        task: 'segment',
        epochs: 1,
        valFraction: 0.34,
        engine: { encoderDir: MICRO },
      });
      const masked = new Set(store.listMasks().map((m) => m.imageId));
      const predicted = new Set(store.getPredictions(r.modelId).map((p) => p.imageId));
      const eligible = all.filter((i) => !masked.has(i.id) && !unfit.includes(i.id)).map((i) => i.id);
      expect(eligible).toContain(chest);
      expect(eligible).toHaveLength(4);
      for (const id of eligible) expect(predicted).toContain(id);
      for (const id of unfit) expect(predicted).not.toContain(id);

      // Named images (what the suggestion pass asks for) are filtered too.
      const again = await storeSegPredictions(store, r.modelId, { imageIds: [...unfit, chest] });
      expect(again.predicted).toBe(1);
      expect(store.getPredictions(r.modelId, unfit)).toEqual([]);

      await suggestionPass(store, { task: 'segment', strategy: 'uncertainty', n: 20 });
      const queue = state.suggestions.get(store)!.items.map((i) => i.imageId);
      expect(new Set(queue)).toEqual(new Set(eligible));

      const session = new ProjectSession(store);
      await expect(
        acceptCorrectedMask(session, quiet, { imageId: unfit[0], maskClass: 'lung', edit: null, strokes: 0 }),
      ).rejects.toThrow(/kept out of the mask queue \(modality CT: not a radiograph/);
      // Still in the project, and still opened normally.
      expect(store.listImages({ limit: 100 }).items).toHaveLength(all.length);
      for (const id of unfit) expect(store.getImage(id)?.status).toBe('active');
    } finally {
      store.close();
    }
  }, 300_000);
});

it('bounds the unmasked images predicted per training with a stable sample', () => {
  const ids = Array.from({ length: 3000 }, (_, i) => i + 1);
  const a = maskCandidates(ids);
  expect(a).toHaveLength(MASK_CANDIDATES);
  expect(new Set(a).size).toBe(MASK_CANDIDATES);
  expect(maskCandidates(ids)).toEqual(a);
  // Masking 20 of the sample replaces about those 20, not the whole sample.
  const done = new Set(a.slice(0, 20));
  const b = maskCandidates(ids.filter((id) => !done.has(id)));
  expect(b).toHaveLength(MASK_CANDIDATES);
  expect(a.filter((id) => b.includes(id)).length).toBe(MASK_CANDIDATES - 20);
  const small = ids.slice(0, 40);
  expect(maskCandidates(small)).toEqual(small);
});
