import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportProject } from '../../src/core/app/export.ts';
import { decodeFile } from '../../src/core/imaging/index.ts';
import { runImport } from '../../src/core/import/pipeline.ts';
import type { CocoDataset } from '../../src/core/interop/coco/export.ts';
import { bboxArea, decodeRle, encodeRle } from '../../src/core/interop/coco/rle.ts';
import type { NnUnetDatasetJson } from '../../src/core/interop/nnunet/export.ts';
import { createProject, type ImageRow, type ProjectStore } from '../../src/core/store/index.ts';
import { DICOM_DIR, makeMask, SAMPLE_IMAGES, setMask } from './helpers.ts';

let tmp: string;
let store: ProjectStore;
let images: ImageRow[];
const masks = new Map<string, Uint8Array>();

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-research-'));
  store = createProject(path.join(tmp, 'p'));
  store.addClass('heart', 'mask');
  const files = ['CR-MONO1-10-chest', 'CR1_6154'].map((f) => path.join(DICOM_DIR, f));
  files.push(path.join(SAMPLE_IMAGES, 'kermany_train_NORMAL_IM-0115-0001.png'));
  expect((await runImport(store, { paths: files })).failed).toEqual([]);
  images = store.listImages().items;
  for (const img of images) {
    masks.set(`${img.id}/lung`, makeMask(img));
    await setMask(store, img, 'lung', masks.get(`${img.id}/lung`)!);
  }
  // Two images also get a heart mask; the third has lung only.
  for (const img of images.slice(0, 2)) {
    masks.set(`${img.id}/heart`, makeMask(img, 2));
    await setMask(store, img, 'heart', masks.get(`${img.id}/heart`)!);
  }
});
afterAll(() => {
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('COCO export', () => {
  it('RLE round-trips in column-major order', () => {
    const m = new Uint8Array([0, 1, 1, 0, 0, 1]); // 3 wide, 2 high
    expect(encodeRle(m, 3, 2)).toEqual({ size: [2, 3], counts: [2, 1, 1, 2] });
    expect(decodeRle(encodeRle(m, 3, 2))).toEqual(m);
    expect(bboxArea(m, 3)).toEqual({ bbox: [1, 0, 2, 2], area: 3 });
  });

  it('reads back: images, categories and every mask pixel-exact', async () => {
    const out = path.join(tmp, 'coco');
    const r = await exportProject(store, { format: 'coco', out });
    expect(r).toMatchObject({ failed: [], count: 3 });
    const coco = JSON.parse(readFileSync(path.join(out, 'annotations.json'), 'utf8')) as CocoDataset;
    expect(coco.categories.map((c) => c.name)).toEqual(['lung', 'heart']);
    expect(coco.annotations).toHaveLength(masks.size);
    for (const [k, img] of images.entries()) {
      const entry = coco.images[k];
      expect(entry).toMatchObject({ width: img.width, height: img.height });
      const png = await decodeFile(path.join(out, entry.file_name));
      expect([png.width, png.height]).toEqual([img.width, img.height]);
      for (const a of coco.annotations.filter((x) => x.image_id === entry.id)) {
        const cls = coco.categories.find((c) => c.id === a.category_id)!.name;
        const want = masks.get(`${img.id}/${cls}`)!;
        expect(decodeRle(a.segmentation)).toEqual(want);
        expect(a.area).toBe(want.reduce((s, v) => s + v, 0));
      }
    }
  });
});

describe('nnU-Net raw export', () => {
  it('reads back: dataset.json, image/label pairs, label values per class; incomplete cases listed', async () => {
    const out = path.join(tmp, 'nnunet');
    const r = await exportProject(store, { format: 'nnunet', out, deidentify: true });
    expect(r).toMatchObject({ failed: [], count: 2 });
    expect(r.warnings?.join('\n')).toMatch(/not a training case, no heart mask/);
    const ds = JSON.parse(readFileSync(path.join(r.path, 'dataset.json'), 'utf8')) as NnUnetDatasetJson;
    expect(ds).toMatchObject({
      labels: { background: 0, lung: 1, heart: 2 },
      numTraining: 2,
      file_ending: '.png',
      channel_names: { '0': 'xray' },
    });
    for (const [k, img] of images.slice(0, 2).entries()) {
      const stem = `img-${String(k + 1).padStart(6, '0')}`;
      const image = await decodeFile(path.join(r.path, 'imagesTr', `${stem}_0000.png`));
      expect([image.width, image.height]).toEqual([img.width, img.height]);
      const labels = readFileSync(path.join(r.path, 'labelsTr', `${stem}.png`));
      const { data } = await decodeRaw(labels);
      const lung = masks.get(`${img.id}/lung`)!;
      const heart = masks.get(`${img.id}/heart`)!;
      for (let i = 0; i < data.length; i++) expect(data[i]).toBe(heart[i] ? 2 : lung[i] ? 1 : 0);
    }
  });
});

/** Label maps hold 0..k, not 0/255: read the raw values (decodeMaskPng would binarise them). */
async function decodeRaw(png: Buffer): Promise<{ data: Uint8Array }> {
  const sharp = (await import('sharp')).default;
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(1);
  return { data: new Uint8Array(data) };
}
