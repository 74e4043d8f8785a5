/** `spcxr train | predict | eval` as a user runs them: real processes, real images, --json. */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { readManifest } from '../../src/core/import/manifest.ts';
import { microDir, repoRoot } from '../model/golden.ts';
import { describeShared } from '../shared-data.ts';
import { dataDir } from './fixture-project.ts';

const run = promisify(execFile);
const bin = path.join(repoRoot, 'bin/spcxr.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'spcxr-cli-engine-'));
const project = path.join(tmp, 'project');

async function spcxr(
  ...args: string[]
): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args, '--json'], {
      env: { ...process.env, SPCXR_ENCODER: microDir },
    });
    return { code: 0, json: JSON.parse(stdout), stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, json: err.stdout ? JSON.parse(err.stdout) : {}, stderr: err.stderr };
  }
}

/** Copies the first n images per label of a shared dataset into a small manifest folder. */
function subset(dataset: string, n: number, extraRow?: string): string {
  const out = path.join(tmp, dataset);
  const rows = ['file,label,patient_id,source'];
  for (const label of ['normal', 'pneumonia']) {
    for (const it of readManifest(path.join(dataDir, dataset, 'manifest.csv'))
      .items.filter((i) => i.label === label)
      .slice(0, n)) {
      const rel = `img/${path.basename(it.file)}`;
      mkdirSync(path.join(out, 'img'), { recursive: true });
      copyFileSync(it.file, path.join(out, rel));
      rows.push(`${rel},${label},${it.patientId ?? ''},${it.source ?? ''}`);
    }
  }
  if (extraRow) rows.push(extraRow);
  writeFileSync(path.join(out, 'manifest.csv'), `${rows.join('\n')}\n`);
  return path.join(out, 'manifest.csv');
}

beforeAll(async () => {
  expect((await spcxr('init', project, '--classes', 'normal,pneumonia')).code).toBe(0);
  expect((await spcxr('import', project, '--manifest', subset('nih_cxr14_talo', 12))).code).toBe(0);
}, 120_000);

describeShared('spcxr train / predict / eval', () => {
  it('train prints validation metrics and the model id; predict stores scores; eval reports drift', async () => {
    const t = await spcxr('train', project, '--task', 'classify', '--head', 'linear', '--seed', '4');
    expect(t.code, t.stderr).toBe(0);
    expect(t.json).toMatchObject({ ok: true, head: 'linear', classes: ['normal', 'pneumonia'] });
    expect(typeof t.json.modelId).toBe('number');
    expect(t.stderr).toMatch(/features 24\/24/);
    // 24 labels: a cross-validated estimate that says plainly it is too small to mean much.
    expect((t.json.metrics as { estimate: unknown }).estimate).toMatchObject({
      method: 'grouped-cv',
      tooSmall: true,
    });
    expect(t.json.trainImages).toBe(24);

    const p = await spcxr('predict', project);
    expect(p.json).toMatchObject({ ok: true, modelId: t.json.modelId, kind: 'classify', scored: 24 });

    const bad = `img/missing.png,normal,x,kermany_pediatric`;
    const e = await spcxr('eval', project, '--manifest', subset('kermany_pediatric', 5, bad));
    expect(e.code).toBe(1); // one row failed, the rest were scored
    expect(e.json.n).toBe(10);
    expect(e.json.failed).toEqual([
      expect.objectContaining({ file: expect.stringContaining('missing.png') }),
    ]);
    const m = e.json.metrics as {
      binary: { auc: number; aucCI: number[] };
      perSource: Record<string, unknown>;
    };
    expect(Object.keys(m.perSource)).toEqual(['kermany_pediatric']);
    expect(m.binary.aucCI).toHaveLength(2);

    // Two runs with the same --seed agree: same folds, penalty, temperature and figures.
    const again = await spcxr('train', project, '--task', 'classify', '--head', 'linear', '--seed', '4');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.modelId).not.toBe(t.json.modelId);
    expect(again.json.metrics).toEqual(t.json.metrics);
  }, 240_000);

  it('usage errors exit 2 and name the problem', async () => {
    const r = await spcxr('train', project, '--task', 'detect');
    expect(r.code).toBe(2);
    expect(r.json.error).toMatch(/--task detect/);
    const h = await spcxr('train', project, '--head', 'mlp');
    expect(h.code).toBe(2);
    const missing = await spcxr('eval', project);
    expect(missing.json.error).toMatch(/--manifest CSV is required/);
  }, 60_000);
});
