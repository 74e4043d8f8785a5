import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeMaskPng } from '../../src/core/imaging/index.ts';
import { parseCsv } from '../../src/core/import/csv.ts';
import { Encoder } from '../../src/core/model/encoder.ts';
import { multiLevels, pooled } from '../../src/core/model/features.ts';
import { modelInputFromFile } from '../../src/core/model/input.ts';

/** One image of a simulation data set, read from a `../shared/data/cxr` manifest. */
export interface SimImage {
  file: string;
  label: string;
  patient: string;
  source: string;
  mask?: string;
}

export type SimDatasetName = 'nih' | 'kermany' | 'ieee-masks';

const FOLDERS: Record<SimDatasetName, string> = {
  nih: 'nih_cxr14_talo',
  kermany: 'kermany_pediatric',
  'ieee-masks': 'ieee8023',
};

/** CSV rows as records keyed by the header, through the importer's RFC 4180 reader. */
export function csvRecords(text: string): Record<string, string>[] {
  const [head, ...body] = parseCsv(text).map((r) => r.cells);
  if (!head) return [];
  return body.map((r) => Object.fromEntries(head.map((h, j) => [h, r[j] ?? ''])));
}

/** Reads a data set: pneumonia vs normal for the classification sets, manual V7 masks for ieee8023. */
export function loadSimDataset(dataRoot: string, name: SimDatasetName): SimImage[] {
  const dir = path.join(dataRoot, FOLDERS[name]);
  const manifest = path.join(dir, 'manifest.csv');
  if (!existsSync(manifest)) throw new Error(`${manifest}: not found (is ../shared/data present?)`);
  const rows = csvRecords(readFileSync(manifest, 'utf8'));
  const out: SimImage[] = [];
  for (const r of rows) {
    if (!r.file || !r.patient_id) throw new Error(`${manifest}: a row lacks file or patient_id`);
    const img: SimImage = {
      file: path.join(dir, r.file),
      label: r.label,
      patient: r.patient_id,
      source: r.source || FOLDERS[name],
    };
    if (name === 'ieee-masks') {
      if (r.mask_kind !== 'v7_manual' || !r.mask) continue;
      img.mask = path.join(dir, r.mask);
    } else if (r.label !== 'normal' && r.label !== 'pneumonia') continue;
    out.push(img);
  }
  return out;
}

/**
 * Cached encoder features of a data set: pooled [n × 2D] (what suggestions measure distances
 * in), for classification also pooled3 [n × 6D] (what `train`'s linear head reads), and, for
 * masks, final patch tokens.
 */
export interface SimFeatures {
  encoderId: string;
  dim: number;
  pooled: Float32Array;
  /** The product's small-set head input: pooled blocks depth/2, 3·depth/4 and final, side by side. */
  pooled3?: Float32Array;
  /** Patch grid side (tokens per row) and patch tokens [n × grid² × D], segmentation only. */
  grid: number;
  tokenDim: number;
  patches?: Float32Array;
}

/**
 * Extracts features once and caches them in `cacheDir` (git-ignored `runs/`), keyed by data set
 * and encoder hash, so that every later simulation run starts in seconds.
 */
export async function simFeatures(
  images: SimImage[],
  name: SimDatasetName,
  encoderDir: string,
  cacheDir: string,
  withPatches: boolean,
  progress?: (done: number, total: number) => void,
): Promise<SimFeatures> {
  const encoder = await Encoder.load(encoderDir);
  try {
    const grid = encoder.size / encoder.card.arch.patch_size;
    const d = encoder.dim;
    const levels = multiLevels(encoder.card.arch.depth);
    const base = path.join(cacheDir, `${name}-${encoder.id.slice(0, 16)}-${images.length}`);
    const meta = { encoderId: encoder.id, dim: 2 * d, grid, tokenDim: d };
    const p3File = `${base}.pooled3.f32`;
    if (
      existsSync(`${base}.pooled.f32`) &&
      (withPatches ? existsSync(`${base}.patches.f32`) : existsSync(p3File))
    ) {
      return {
        ...meta,
        pooled: readF32(`${base}.pooled.f32`, images.length * 2 * d),
        pooled3: withPatches ? undefined : readF32(p3File, images.length * 6 * d),
        patches: withPatches ? readF32(`${base}.patches.f32`, images.length * grid * grid * d) : undefined,
      };
    }
    const pool = new Float32Array(images.length * 2 * d);
    const p3 = withPatches ? undefined : new Float32Array(images.length * 6 * d);
    const patches = withPatches ? new Float32Array(images.length * grid * grid * d) : undefined;
    for (let i = 0; i < images.length; i += encoder.batchSize) {
      const batch = images.slice(i, i + encoder.batchSize);
      // The same decode → display → model input path as a project's feature cache.
      const inputs = await Promise.all(
        batch.map(async (im) => (await modelInputFromFile(im.file, encoder.card)).data),
      );
      const res = await encoder.run(inputs, p3 ? levels : ['final']);
      res.final.forEach((tok, j) => {
        pool.set(pooled(tok).data, (i + j) * 2 * d);
        patches?.set(tok.data.subarray(d), (i + j) * grid * grid * d);
        if (p3)
          levels.forEach((l, k) => {
            p3.set(pooled(res[l][j]).data, (i + j) * 6 * d + k * 2 * d);
          });
      });
      progress?.(Math.min(i + batch.length, images.length), images.length);
    }
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${base}.pooled.f32`, Buffer.from(pool.buffer));
    if (p3) writeFileSync(p3File, Buffer.from(p3.buffer));
    if (patches) writeFileSync(`${base}.patches.f32`, Buffer.from(patches.buffer));
    return { ...meta, pooled: pool, pooled3: p3, patches };
  } finally {
    await encoder.dispose();
  }
}

function readF32(file: string, expected: number): Float32Array {
  const b = readFileSync(file);
  if (b.byteLength !== expected * 4)
    throw new Error(`${file}: ${b.byteLength} bytes, expected ${expected * 4}; delete it`);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Ground-truth masks at `res`×`res` (0/1) plus the lung fraction of each grid cell. */
export async function loadMasks(
  images: SimImage[],
  res: number,
  grid: number,
): Promise<{ masks: Uint8Array; cells: Float32Array }> {
  const masks = new Uint8Array(images.length * res * res);
  const cells = new Float32Array(images.length * grid * grid);
  for (let i = 0; i < images.length; i++) {
    const m = await decodeMaskPng(images[i].mask!);
    if (m.width !== m.height)
      throw new Error(`${images[i].mask}: mask is ${m.width}×${m.height}, expected square`);
    for (let y = 0; y < res; y++)
      for (let x = 0; x < res; x++) {
        const sy = Math.floor(((y + 0.5) * m.height) / res);
        const sx = Math.floor(((x + 0.5) * m.width) / res);
        masks[i * res * res + y * res + x] = m.data[sy * m.width + sx] ? 1 : 0;
      }
    const counts = new Float32Array(grid * grid);
    for (let y = 0; y < m.height; y++)
      for (let x = 0; x < m.width; x++) {
        if (m.data[y * m.width + x]) {
          counts[Math.floor((y * grid) / m.height) * grid + Math.floor((x * grid) / m.width)]++;
        }
      }
    const per = (m.width * m.height) / (grid * grid);
    for (let c = 0; c < grid * grid; c++) cells[i * grid * grid + c] = counts[c] / per;
  }
  return { masks, cells };
}

/** Patient-level split: about `testFraction` of patients held out, chosen by seed. */
export function patientSplit(
  images: SimImage[],
  testFraction: number,
  rand: () => number,
): { pool: number[]; test: number[] } {
  const patients = [...new Set(images.map((im) => im.patient))].sort();
  for (let i = patients.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [patients[i], patients[j]] = [patients[j], patients[i]];
  }
  const held = new Set(patients.slice(0, Math.round(patients.length * testFraction)));
  const pool: number[] = [];
  const test: number[] = [];
  images.forEach((im, i) => {
    (held.has(im.patient) ? test : pool).push(i);
  });
  return { pool, test };
}
