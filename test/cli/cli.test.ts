import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/import/csv.ts';
import { cli, REPO } from './run.ts';

let tmp: string;
let proj: string;
const SAMPLE = path.join(REPO, 'sample');

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-cli-'));
  proj = path.join(tmp, 'proj');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('spcxr CLI', () => {
  it('init creates a project and prints one JSON object', () => {
    const r = cli('init', proj, '--classes', 'normal,pneumonia', '--json');
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, classes: ['normal', 'pneumonia'], maskClasses: ['lung'] });
    expect(existsSync(path.join(proj, 'project.sqlite'))).toBe(true);
    expect(cli('init', proj).code).toBe(1); // already a project
  });

  it('usage errors exit 2', () => {
    expect(cli('import', proj).code).toBe(2);
    expect(cli('export', proj, '--format', 'tiff', '--out', tmp).code).toBe(2);
    const r = cli('nope', '--json');
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({ ok: false });
  });

  it('imports the bundled sample with its manifest, idempotently', () => {
    const r = cli('import', proj, '--manifest', path.join(SAMPLE, 'manifest.csv'), '--json');
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, total: 40, added: 40, labelsSet: 32, failed: [] });
    expect(readdirSync(path.join(proj, 'images')).length).toBeGreaterThan(0);
    const again = cli('import', proj, SAMPLE, '--json').json();
    expect(again).toMatchObject({ added: 0, duplicates: 40, failed: [] });
    // the folder walk reports the CSV and markdown files it did not import
    expect((again.skipped as Array<{ file: string }>).map((s) => path.basename(s.file)).sort()).toEqual([
      'ATTRIBUTION.md',
      'ground_truth.csv',
      'manifest.csv',
    ]);
  });

  it('ls lists counts and images', () => {
    const j = cli('ls', proj, '--json').json() as {
      counts: { images: number; labels: Array<{ label: string | null; count: number }>; bySource: object };
      images: Array<{ label: string | null; source: string }>;
    };
    expect(j.counts.images).toBe(40);
    expect(j.counts.labels).toEqual([
      { task: 'default', label: 'normal', count: 16 },
      { task: 'default', label: 'pneumonia', count: 16 },
      { task: 'default', label: null, count: 8 },
    ]);
    expect(j.counts.bySource).toEqual({ kermany_pediatric: 20, nih_cxr14_talo: 20 });
    expect(j.images).toHaveLength(40);
    const human = cli('ls', proj, '--limit', '2');
    expect(human.stdout).toMatch(/images: 40/);
    expect(human.stdout).toMatch(/38 more/);
  });

  it('exports labels as CSV', () => {
    const out = path.join(tmp, 'labels.csv');
    expect(cli('export', proj, '--format', 'csv', '--out', out, '--json').json()).toMatchObject({ rows: 40 });
    const rows = parseCsv(readFileSync(out, 'utf8'));
    const h = rows[0].cells;
    const byFile = new Map(rows.slice(1).map((r) => [path.basename(r.cells[h.indexOf('file')]), r.cells]));
    const manifest = parseCsv(readFileSync(path.join(SAMPLE, 'manifest.csv'), 'utf8')).slice(1);
    for (const m of manifest) {
      const row = byFile.get(path.basename(m.cells[0]))!;
      expect(row[h.indexOf('label')]).toBe(m.cells[1]);
      expect(row[h.indexOf('patient_id')]).toBe(m.cells[2]);
    }
  });

  it('imports masks from a manifest and exports them at the original size', async () => {
    const fix = path.join(REPO, 'test/store/fixtures/manifest');
    const p2 = path.join(tmp, 'p2');
    cli('init', p2);
    // the fixture manifest: its good rows import, with one valid lung mask
    const r = cli('import', p2, '--manifest', path.join(fix, 'good_and_bad.csv'), '--reference', '--json');
    expect(r.json()).toMatchObject({ masksSet: 1 });
    const out = path.join(tmp, 'masks');
    const e = cli('export', p2, '--format', 'masks', '--out', out, '--json').json();
    expect(e).toMatchObject({ ok: true, masks: 1 });
    const sharp = (await import('sharp')).default;
    const file = path.join(out, 'lung', readdirSync(path.join(out, 'lung'))[0]);
    const meta = await sharp(file).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([256, 256, 1]);
    const got = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const want = await sharp(path.join(fix, 'masks/a_lung.png'))
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(got.data.equals(want.data)).toBe(true);
    // --reference keeps the originals in place: nothing copied
    expect(readdirSync(path.join(p2, 'images'))).toEqual([]);
  });

  it('doctor reports versions, backends, adapter and database health', () => {
    const r = cli('doctor', proj, '--json');
    const j = r.json() as {
      versions: Record<string, string>;
      onnxruntimeBackends: Array<{ name: string }>;
      database: { ok: boolean; images: number };
      webgpuAdapter: unknown;
    };
    expect(j.versions.node).toBe(process.versions.node);
    expect(j.versions.sqlite).toMatch(/^3\./);
    expect(j.onnxruntimeBackends.map((b) => b.name)).toContain('cpu');
    expect(j.database).toMatchObject({ ok: true, images: 40 });
    expect('webgpuAdapter' in j).toBe(true);
    const models = path.join(tmp, 'models');
    cpSync(path.join(REPO, 'test/fixtures/models'), models, { recursive: true });
    const good = cli('doctor', '--models', models, '--json');
    expect(good.code).toBe(0);
    expect(good.json()).toMatchObject({ ok: true, models: [{ ok: true }] });
    const w = path.join(models, 'vit-micro/weights.safetensors');
    const bytes = readFileSync(w);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(w, bytes);
    const tampered = cli('doctor', '--models', models, '--json');
    expect(tampered.code).toBe(1);
    const m = (tampered.json() as { models: Array<{ ok: boolean; detail: string }> }).models[0];
    expect(m.ok).toBe(false);
    expect(m.detail).toMatch(/weights\.safetensors: sha256 mismatch/);
    const bad = cli('doctor', path.join(tmp, 'not-a-project'), '--json');
    expect(bad.code).toBe(1);
    expect(bad.json()).toMatchObject({ ok: false, database: { ok: false } });
  });
});
