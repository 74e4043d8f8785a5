/**
 * Honest evaluation as a user meets it, on real images with the shipped encoder: a confounded
 * covid-vs-normal project is warned before and after training, a balanced single-source one is
 * not; eval warns on overlap and on a shifted site, reuses cached features, and writes a report
 * that prints to PDF in Chromium.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { readManifest } from '../../src/core/import/manifest.ts';
import { repoRoot } from '../model/golden.ts';
import { describeShared } from '../shared-data.ts';
import { dataDir } from '../train/fixture-project.ts';

const run = promisify(execFile);
const bin = path.join(repoRoot, 'bin/spcxr.mjs');
const encoder = path.join(repoRoot, 'resources/models/spcxr-vit-tiny');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'spcxr-evalh-'));
const artifacts = path.join(repoRoot, 'test-artifacts');

async function spcxr(
  ...args: string[]
): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args, '--json'], {
      env: { ...process.env, SPCXR_ENCODER: encoder },
      maxBuffer: 64 << 20,
    });
    return { code: 0, json: JSON.parse(stdout), stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, json: err.stdout ? JSON.parse(err.stdout) : {}, stderr: err.stderr };
  }
}

/** Copies real images (n per dataset × label) into a manifest folder of its own. */
function manifest(name: string, picks: Array<[string, string, number]>): string {
  const out = path.join(tmp, name);
  mkdirSync(path.join(out, 'img'), { recursive: true });
  const rows = ['file,label,patient_id,source'];
  for (const [dataset, label, n] of picks) {
    for (const it of readManifest(path.join(dataDir, dataset, 'manifest.csv'))
      .items.filter((i) => i.label === label)
      .slice(0, n)) {
      const rel = `img/${path.basename(it.file)}`;
      copyFileSync(it.file, path.join(out, rel));
      rows.push(`${rel},${label},${it.patientId ?? ''},${dataset}`);
    }
  }
  writeFileSync(path.join(out, 'manifest.csv'), `${rows.join('\n')}\n`);
  return path.join(out, 'manifest.csv');
}

type Warning = { code: string; message: string };
const codes = (j: Record<string, unknown>) => ((j.warnings ?? []) as Warning[]).map((w) => w.code);

describeShared('honest evaluation on real images', () => {
  it('warns on a covid-vs-normal set built from different sources, before and after training', async () => {
    const dir = path.join(tmp, 'confounded');
    expect((await spcxr('init', dir, '--classes', 'normal,covid19')).code).toBe(0);
    const m = manifest('conf', [
      ['ieee8023', 'covid19', 30],
      ['nih_cxr14_talo', 'normal', 30],
    ]);
    expect((await spcxr('import', dir, '--manifest', m)).code).toBe(0);
    const t = await spcxr('train', dir, '--task', 'classify');
    expect(t.code, t.stderr).toBe(0);
    // Before training (stderr) and after (JSON, with the source probe on the features).
    expect(t.stderr).toMatch(/WARNING: every class comes from its own source/);
    expect(codes(t.json)).toContain('single-source-class');
    expect(codes(t.json)).toContain('source-predictable');
    const perSource = (t.json.metrics as { perSource: Record<string, unknown> }).perSource;
    expect(Object.keys(perSource).sort()).toEqual(['ieee8023', 'nih_cxr14_talo']);
    // The report of the trained model carries the same warning.
    const html = path.join(tmp, 'model-report.html');
    const r = await spcxr('report', dir, '--out', html);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/every class comes from its own source/);
  }, 240_000);

  it('stays quiet on a balanced single-source set; eval flags overlap, shift, caches features, writes a report', async () => {
    const dir = path.join(tmp, 'balanced');
    expect((await spcxr('init', dir, '--classes', 'normal,pneumonia')).code).toBe(0);
    const m = manifest('bal', [
      ['nih_cxr14_talo', 'normal', 30],
      ['nih_cxr14_talo', 'pneumonia', 30],
    ]);
    expect((await spcxr('import', dir, '--manifest', m)).code).toBe(0);
    const t = await spcxr('train', dir, '--task', 'classify', '--target-sensitivity', '0.9');
    expect(t.code, t.stderr).toBe(0);
    expect(codes(t.json)).toEqual([]);
    expect(t.stderr).not.toMatch(/WARNING/);

    // The training images themselves: every one is flagged as overlap.
    const same = await spcxr('eval', dir, '--manifest', m);
    expect(same.code, same.stderr).toBe(0);
    expect(codes(same.json)).toContain('overlap-image');
    const ov = (same.json.checks as { overlap: { sameImage: number; n: number } }).overlap;
    expect(ov.sameImage).toBe(ov.n);

    // Kermany children against a model of NIH adults: shifted; the second run reads the cache.
    const k = manifest('kermany', [
      ['kermany_pediatric', 'normal', 20],
      ['kermany_pediatric', 'pneumonia', 20],
    ]);
    const html = path.join(tmp, 'eval-report.html');
    const e1 = await spcxr('eval', dir, '--manifest', k, '--target-specificity', '0.8', '--report', html);
    expect(e1.code, e1.stderr).toBe(0);
    expect(codes(e1.json)).toContain('distribution-shift');
    const c1 = e1.json.checks as {
      ood: { share: number };
      features: { computed: number };
      operating: { specificity: number };
    };
    expect(c1.ood.share).toBeGreaterThan(0.5);
    expect(c1.features.computed).toBe(40);
    expect(c1.operating.specificity).toBeGreaterThanOrEqual(0.8);
    const e2 = await spcxr('eval', dir, '--manifest', k);
    expect((e2.json.checks as { features: { computed: number; cached: number } }).features).toEqual({
      computed: 0,
      cached: 40,
    });

    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/<svg/);
    expect(page).toMatch(/look unlike the training images/);
    expect(page).toMatch(/20 normal, 20 pneumonia/);
    // Self-contained: no scripts, no fetched assets (the SVG namespace is an identifier, not a fetch).
    expect(page.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(
      /https?:|<script|<link|src=/,
    );

    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
    if (!chromium) throw new Error('Chromium is needed to print the report (scripts/install.sh installs it)');
    mkdirSync(artifacts, { recursive: true });
    const pdf = path.join(artifacts, 'eval-report.pdf');
    const png = path.join(artifacts, 'eval-report.png');
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      `--user-data-dir=${path.join(tmp, 'chrome')}`,
    ];
    execFileSync(chromium, [...flags, `--print-to-pdf=${pdf}`, '--no-pdf-header-footer', `file://${html}`], {
      stdio: 'ignore',
      timeout: 60_000,
    });
    execFileSync(chromium, [...flags, `--screenshot=${png}`, '--window-size=1000,2400', `file://${html}`], {
      stdio: 'ignore',
      timeout: 60_000,
    });
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(statSync(pdf).size).toBeGreaterThan(20_000);
    expect(statSync(png).size).toBeGreaterThan(50_000);
  }, 300_000);

  it('recalibrates to a new site with a stated confidence, refusing labels that cannot support the target', async () => {
    const dir = path.join(tmp, 'balanced');
    const few = manifest('site', [
      ['kermany_pediatric', 'normal', 10],
      ['kermany_pediatric', 'pneumonia', 10],
    ]);
    // 10 normal images, even all right, bound specificity at 0.741 with 95 % confidence: refused.
    const no = await spcxr('recalibrate', dir, '--manifest', few, '--target-specificity', '0.8');
    expect(no.code).not.toBe(0);
    expect(no.stderr).toMatch(
      /10 normal images cannot show specificity ≥ 0.8 with 95 % confidence.*at least 14 normal images/,
    );
    const r = await spcxr('recalibrate', dir, '--manifest', few, '--target-specificity', '0.7');
    expect(r.code, r.stderr).toBe(0);
    const rc = r.json.recalibration as {
      n: number;
      nPerClass: Record<string, number>;
      threshold: number;
      operating: { bound: number; confidence: number; specificity: number; reached: boolean };
    };
    expect(rc.n).toBe(20);
    expect(rc.nPerClass).toEqual({ pneumonia: 10, normal: 10 });
    expect(rc.operating).toMatchObject({ confidence: 0.95, reached: true });
    expect(rc.operating.bound).toBeGreaterThanOrEqual(0.7);
    expect(rc.operating.specificity).toBe(1);
    const one = manifest('one', [['kermany_pediatric', 'normal', 5]]);
    const bad = await spcxr('recalibrate', dir, '--manifest', one);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/both normal and pneumonia/);
  }, 120_000);

  it('sets a threshold from a target on the CLI; predict decides with it', async () => {
    const dir = path.join(tmp, 'balanced');
    const t = await spcxr('threshold', dir, '--target-specificity', '0.9');
    expect(t.code, t.stderr).toBe(0);
    expect(t.json).toMatchObject({ rule: 'specificity ≥ 0.9', via: 'cli', reached: true });
    const chosen = t.json.threshold as number;
    expect((t.json.at as { specificity: number }).specificity).toBeGreaterThanOrEqual(0.9);
    const p = await spcxr('predict', dir, '--model', String(t.json.modelId));
    expect(p.code, p.stderr).toBe(0);
    expect(p.json).toMatchObject({ threshold: chosen, thresholdRule: 'specificity ≥ 0.9' });
    const predicted = p.json.predicted as Record<string, number>;
    expect(predicted.normal + predicted.pneumonia).toBe(p.json.scored);
    const bad = await spcxr('threshold', dir, '--target-specificity', '0.9', '--value', '0.3');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/exactly one of/);
  }, 120_000);
});
