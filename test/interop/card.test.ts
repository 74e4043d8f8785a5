/** De-identifying a real model bundle's data card (micro test encoder, real NIH images). */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deidentifyCard } from '../../src/core/interop/deid/card.ts';
import { DeidContext } from '../../src/core/interop/deid/context.ts';
import type { ProjectStore } from '../../src/core/store/types.ts';
import { exportBundle, readBundle, trainClassifier } from '../../src/core/train/index.ts';
import { microDir } from '../model/golden.ts';
import { describeShared } from '../shared-data.ts';
import { manifestItems, projectWith } from '../train/fixture-project.ts';

let project: ProjectStore;
const enc = { encoderDir: microDir, provider: 'cpu' as const };

beforeAll(async () => {
  project = await projectWith(manifestItems('nih_cxr14_talo', 8, ['normal', 'pneumonia']), [
    'normal',
    'pneumonia',
  ]);
}, 60_000);
afterAll(() => project?.close());

describeShared('de-identified data card', () => {
  it('drops per-image lists, replaces site names and patient IDs, keeps the metrics', async () => {
    const r = await trainClassifier(project, { ...enc, head: 'linear', seed: 1 });
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'spcxr-card-')), 'b');
    await exportBundle(project, r.modelId, out, enc);
    const card = JSON.parse(readFileSync(path.join(out, 'bundle.json'), 'utf8'));
    const before = JSON.stringify(card);
    expect(before).toContain('nih_cxr14_talo');
    expect(before).toMatch(/"imageIds"/);
    const removed = deidentifyCard(card, project, new DeidContext());
    const { deidentified, ...rest } = card;
    const after = JSON.stringify(rest);
    expect(removed).toContain('imageIds');
    expect(after).not.toMatch(/"(imageIds|valImageIds|outOfFold)"/);
    expect(after).not.toContain('nih_cxr14_talo');
    expect(after).toContain('site-000001');
    for (const img of project.listImages().items) {
      expect(after).not.toContain(img.originalPath);
      if (img.patientId) expect(after).not.toContain(`"${img.patientId}"`);
    }
    expect(card.metrics.n).toBe(16);
    expect(deidentified.removed).toEqual(removed);
    expect(readBundle(out).model.id).toBe(r.modelId); // checksums of the bundle files still hold
  }, 120_000);
});
