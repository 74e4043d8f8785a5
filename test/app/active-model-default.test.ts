/**
 * Without an explicit model, scoring and exports use the task's active classifier, never merely
 * the newest model: here a segmenter and a candidate classifier are both newer than it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSimDataset } from '../../bench/al-sim/sim-data.ts';
import { command as predictCommand } from '../../src/cli/commands/predict.ts';
import { activeModelId } from '../../src/core/app/models.ts';
import { trainAndScore } from '../../src/core/app/train.ts';
import { openProject } from '../../src/core/store/index.ts';
import { exportBundle } from '../../src/core/train/bundle.ts';
import { releaseEncoders } from '../../src/core/train/engine.ts';
import { openModel } from '../../src/core/train/predict.ts';
import { DATA, MICRO, ROOT } from '../active/real-embeddings.ts';
import { describeShared } from '../shared-data.ts';

let dir: string;
let project: string;
const bin = path.join(ROOT, 'bin/spcxr.mjs');
const spcxr = (...args: string[]) =>
  execFileSync(process.execPath, [bin, ...args], { stdio: 'pipe' }).toString();

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'spcxr-activedefault-'));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  symlinkSync(path.join(DATA, 'kermany_pediatric/images'), path.join(data, 'kimages'));
  symlinkSync(path.join(DATA, 'ieee8023/images'), path.join(data, 'images'));
  symlinkSync(path.join(DATA, 'ieee8023/masks_v7'), path.join(data, 'masks_v7'));
  const kermany = loadSimDataset(DATA, 'kermany');
  const k = ['normal', 'pneumonia'].flatMap((c) => kermany.filter((i) => i.label === c).slice(0, 5));
  const seen = new Set<string>();
  const ieee = loadSimDataset(DATA, 'ieee-masks')
    .filter((im) => !seen.has(String(im.patient)) && seen.add(String(im.patient)))
    .slice(0, 6);
  const rel = (p: string, sub: string) => path.join(sub, path.basename(p));
  writeFileSync(
    path.join(data, 'm.csv'),
    [
      'file,label,mask,patient_id,source',
      ...k.map((im) => `${rel(im.file, 'kimages')},${im.label},,k${im.patient},kermany`),
      ...ieee.map((im) => `${rel(im.file, 'images')},,${rel(im.mask!, 'masks_v7')},i${im.patient},ieee8023`),
    ].join('\n'),
  );
  project = path.join(dir, 'proj');
  spcxr('init', project);
  spcxr('import', project, '--manifest', path.join(data, 'm.csv'), '--reference');
});

afterAll(async () => {
  await releaseEncoders();
  rmSync(dir, { recursive: true, force: true });
});

describeShared('the default model is the active one of its task', () => {
  it('predict, model export and openModel skip a newer segmenter and a newer candidate', async () => {
    const store = openProject(project);
    let chosen: number;
    let candidate: number;
    let segmenter: number;
    try {
      const engine = { encoderDir: MICRO };
      chosen = (await trainAndScore(store, { task: 'classify', engine, score: false })).modelId;
      candidate = (await trainAndScore(store, { task: 'classify', engine, score: false, seed: 7 })).modelId;
      // The user keeps the first classifier active (the second stays a candidate).
      store.setActiveModelId('classify', chosen);
      segmenter = (await trainAndScore(store, { task: 'segment', epochs: 1, engine })).modelId;
      expect(store.listModels().at(-1)!.id).toBe(segmenter);
      expect(activeModelId(store, 'classify')).toBe(chosen);
      expect(openModel(store).row.id).toBe(chosen);
      expect(openModel(store, undefined, 'segment').row.id).toBe(segmenter);
      expect(openModel(store, candidate).row.id).toBe(candidate);

      const out = path.join(dir, 'bundle');
      // What a model export without an id (API `export` of format model) runs.
      await exportBundle(store, undefined, out, engine);
      const card = JSON.parse(readFileSync(path.join(out, 'bundle.json'), 'utf8'));
      expect(card.model).toMatchObject({ id: chosen, kind: 'classify' });
    } finally {
      store.close();
    }

    const r = JSON.parse(spcxr('predict', project, '--encoder', MICRO, '--json'));
    expect(r).toMatchObject({ ok: true, modelId: chosen, kind: 'classify', scored: 16 });
    const check = openProject(project);
    try {
      expect(check.getPredictions(chosen)).toHaveLength(16);
      expect(check.getPredictions(candidate)).toHaveLength(0);
      // Archiving the active classifier hands the default to the newest one left.
      check.setModelArchived(chosen, true);
      expect(openModel(check).row.id).toBe(candidate);
    } finally {
      check.close();
    }
    expect(predictCommand.summary).toContain('default: the active classifier');
  }, 300_000);
});
