/**
 * Builds an N-image project from variants of the shared CXRs (../shared/data/cxr, NIH and
 * Kermany), for bench/scale.ts. What is real and what is shortcut, on purpose:
 *   - 600 base images (300 NIH, 300 Kermany) are imported as rows with real WebP thumbnails,
 *     and their pooled features are computed by the shipped encoder (real decode + ONNX).
 *   - Each further image is a *variant*: its own file name (a symlink to a base file, so image
 *     open decodes real pixels and the open check's file sample finds it), its own sha256
 *     (hash of base hash + index: distinct rows, never deduplicated), the base's real WebP
 *     thumbnail bytes (same size as an import makes; the pixels repeat every 600 images), and
 *     the base's pooled features plus seeded Gaussian noise (σ = 0.05 of the feature's spread).
 *     Rows are written through the store (`addImage`, `putFeatures`) in batches, bypassing the
 *     per-image decode, so that a 50k project builds in minutes on two cores.
 *   - 10 % of images get the base's label (source 'import'); a linear "model" row gets a
 *     prediction for every image; 500 images get AL scores; a 50-item suggestion queue is stored.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { state } from '../src/core/app/state.ts';
import { ensureFeatures } from '../src/core/model/features.ts';
import { createProject } from '../src/core/store/index.ts';
import type { ProjectStore } from '../src/core/store/types.ts';
import { getEncoder, projectInputLoader } from '../src/core/train/engine.ts';
import { mulberry32 } from '../src/core/util/rng.ts';

export interface Base {
  file: string;
  label: 'normal' | 'pneumonia';
  source: string;
  sha: string;
  size: number;
  thumb: Buffer;
  feat?: Float32Array;
  /** pooled3 (middle, three-quarter and final blocks): what a small-set linear probe reads. */
  feat3?: Float32Array;
}

const DATA = path.resolve(import.meta.dirname, '../../shared/data/cxr');

function manifest(folder: string, take: number): Array<{ file: string; label: string; source: string }> {
  const lines = fs
    .readFileSync(path.join(DATA, folder, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const rows = lines.map((l) => l.split(','));
  const want = rows.filter((r) => r[1] === 'normal').slice(0, take / 2);
  want.push(...rows.filter((r) => r[1] !== 'normal').slice(0, take / 2));
  return want.map((r) => ({ file: path.join(DATA, folder, r[0]), label: r[1], source: folder }));
}

export async function loadBases(): Promise<Base[]> {
  const rows = [...manifest('nih_cxr14_talo', 300), ...manifest('kermany_pediatric', 300)];
  return Promise.all(
    rows.map(async (r) => {
      const bytes = fs.readFileSync(r.file);
      const thumb = await sharp(bytes)
        .grayscale()
        .resize(256, 256, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80, effort: 2 })
        .toBuffer();
      return {
        file: r.file,
        label: r.label === 'normal' ? 'normal' : 'pneumonia',
        source: r.source,
        sha: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
        thumb,
      } as Base;
    }),
  );
}

const sha = (base: string, i: number) => createHash('sha256').update(`${base}:${i}`).digest('hex');

/** Real features of the bases, computed once in a scratch project by the shipped encoder. */
export async function baseFeatures(bases: Base[], scratch: string): Promise<string> {
  const store = createProject(scratch, { classes: ['normal', 'pneumonia'] });
  try {
    const ids = bases.map(
      (b) =>
        store.addImage({
          sha256: b.sha,
          originalPath: b.file,
          storedPath: null,
          format: 'png',
          width: 256,
          height: 256,
          bits: 8,
          fileSize: b.size,
        }).id,
    );
    const encoder = await getEncoder(store);
    await ensureFeatures(store, encoder, ids, projectInputLoader(store, encoder), ['pooled', 'pooled3']);
    const read = (layer: string) =>
      store.readFeatureMatrix(encoder.id, layer, 0, ids, (_d, b) => {
        const c = new Uint8Array(b.byteLength);
        c.set(b);
        return new Float32Array(c.buffer);
      });
    const m = read('pooled');
    const m3 = read('pooled3');
    bases.forEach((b, i) => {
      b.feat = m.data.slice(i * m.dim, (i + 1) * m.dim);
      b.feat3 = m3.data.slice(i * m3.dim, (i + 1) * m3.dim);
    });
    return encoder.id;
  } finally {
    store.close();
  }
}

function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

export async function buildProject(
  dir: string,
  n: number,
  bases: Base[],
  encoderId: string,
): Promise<ProjectStore> {
  const links = path.join(dir, '..', `${path.basename(dir)}-files`);
  fs.mkdirSync(links, { recursive: true });
  const store = createProject(dir, { classes: ['normal', 'pneumonia'] });
  const rand = mulberry32(7);
  const noisy = (base: Float32Array, spread: Float32Array) => {
    const f = new Float32Array(base.length);
    for (let j = 0; j < base.length; j++) f[j] = base[j] + 0.05 * spread[j] * gauss(rand);
    return f;
  };
  const spreadOf = (get: (b: Base) => Float32Array) => {
    const s = new Float32Array(get(bases[0]).length);
    for (const b of bases) for (let j = 0; j < s.length; j++) s[j] += Math.abs(get(b)[j]) / bases.length;
    return s;
  };
  const spread = spreadOf((b) => b.feat!);
  const spread3 = spreadOf((b) => b.feat3!);
  // Another encoder id: the suggestion pass must train its own classifier, not use this row.
  const model = store.saveModel({
    name: 'bench',
    kind: 'classify',
    head: 'linear',
    encoderId: 'f'.repeat(64),
  });
  const ids: number[] = [];
  const BATCH = 1000;
  for (let s = 0; s < n; s += BATCH) {
    const feats: Parameters<ProjectStore['putFeatures']>[0] = [];
    const preds: Parameters<ProjectStore['putPredictions']>[1] = [];
    store.transaction(() => {
      for (let i = s; i < Math.min(n, s + BATCH); i++) {
        const b = bases[i % bases.length];
        const name = `v${String(i).padStart(6, '0')}${path.extname(b.file)}`;
        const link = path.join(links, name);
        if (!fs.existsSync(link)) fs.symlinkSync(b.file, link);
        const { id } = store.addImage({
          sha256: sha(b.sha, i),
          originalPath: link,
          storedPath: null,
          format: 'png',
          width: 256,
          height: 256,
          bits: 8,
          fileSize: b.size,
          source: b.source,
          patientId: `p${Math.floor(i / 3)}`,
          meta: { view: 'PA', manifest: { finding: b.label } },
          thumbnail: { data: b.thumb, mime: 'image/webp', width: 256, height: 256 },
        });
        ids.push(id);
        // The suggestion pass caches pooled and pooled3 together; a variant gets both (its
        // pooled3 ends with the final block's pooled vector, as the encoder makes it).
        const f = noisy(b.feat!, spread);
        const f3 = noisy(b.feat3!, spread3);
        f3.set(f, f3.length - f.length);
        for (const [layer, v] of [
          ['pooled', f],
          ['pooled3', f3],
        ] as const)
          feats.push({
            imageId: id,
            encoderId,
            layer,
            dtype: 'float32',
            shape: [v.length],
            data: new Uint8Array(v.buffer),
          });
        const p = Math.min(0.99, Math.max(0.01, (b.label === 'normal' ? 0.3 : 0.7) + 0.25 * gauss(rand)));
        preds.push({ imageId: id, probs: { normal: 1 - p, pneumonia: p } });
        if (i % 10 === 0) store.setLabel({ imageId: id, label: b.label, author: 'bench', source: 'import' });
      }
    });
    store.putFeatures(feats);
    store.putPredictions(model.id, preds);
  }
  const scored = ids.filter((_, i) => i % Math.max(1, Math.floor(n / 500)) === 1).slice(0, 500);
  store.setAlScores(scored.map((id, k) => ({ imageId: id, score: 1 - k / 500 })));
  state.suggestions.set(store, {
    task: 'classify',
    segmentModelId: null,
    items: ids
      .filter((_, i) => i % 10 !== 0)
      .slice(0, 50)
      .map((id) => ({
        imageId: id,
        strategy: 'hybrid',
        reason: 'bench queue',
        score: 0.5,
        label: { name: 'normal', confidence: 0.6 },
        maskConfidence: null,
      })),
  });
  return store;
}
