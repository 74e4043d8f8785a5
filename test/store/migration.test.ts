/**
 * A project written by 0.2.0 (committed fixture: 4 sample images, a needs-review flag in
 * images.meta, a classifier and a segmenter, the shared 'api.activeModelId' pointing at the
 * segmenter, a recorded validation split) opens with the typed project state.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeModelId } from '../../src/core/app/models.ts';
import { state } from '../../src/core/app/state.ts';
import { openProject } from '../../src/core/store/index.ts';
import { MIGRATIONS } from '../../src/core/store/migrations.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/project-0.2.0', import.meta.url));
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spcxr-migrate-'));
  cpSync(FIXTURE, path.join(dir, 'p'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('migrating a 0.2.0 project', () => {
  it('was written at schema version 1 (the fixture is what 0.2.0 made)', () => {
    const s = openProject(path.join(dir, 'p'), { readonly: true });
    try {
      expect(s.info.schemaVersion).toBe(1);
    } finally {
      s.close();
    }
  });

  it('moves the review flag, the active model and the split into typed state, keeping everything else', () => {
    const s = openProject(path.join(dir, 'p'));
    try {
      expect(s.info.schemaVersion).toBe(MIGRATIONS.length);
      expect(s.openReport?.ok ?? true).toBe(true);
      const imgs = s.listImages().items;
      expect(imgs.map((i) => i.needsReview)).toEqual([false, true, false, false]);
      expect(imgs.every((i) => !('needsReview' in i.meta))).toBe(true);
      expect(imgs[0].meta.bitsStored).toBe(8);
      expect(s.getLabels().length).toBe(4);
      // 0.2.0 had one active model for both tasks, the segmenter: it stays the segmenter's only.
      expect(s.getActiveModelId('segment')).toBe(2);
      expect(s.getActiveModelId('classify')).toBeNull();
      expect(activeModelId(s, 'classify')).toBe(1);
      expect(s.getSetting('api.activeModelId')).toBeUndefined();
      expect(s.getModel(1)?.config.valImageIds).toEqual([4]);
      expect(s.getSetting('api.modelVal.1')).toBeUndefined();
      expect(s.listModels().map((m) => m.archivedAt)).toEqual([null, null]);
      expect(state.settings.get(s)).toEqual({ executionProvider: 'cpu', retrainEvery: 5, author: 'tester' });
    } finally {
      s.close();
    }
    // A second open finds nothing left to migrate.
    const again = openProject(path.join(dir, 'p'));
    expect(again.info.schemaVersion).toBe(MIGRATIONS.length);
    expect(again.listImages().items[1].needsReview).toBe(true);
    again.close();
  });
});
