import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMaskPng } from '../../src/core/imaging/index.ts';
import { runImport } from '../../src/core/import/pipeline.ts';
import { exportSeg } from '../../src/core/interop/seg/export.ts';
import { importSeg } from '../../src/core/interop/seg/import.ts';
import { generatedSourceUids } from '../../src/core/interop/uids.ts';
import { createProject, type ProjectStore } from '../../src/core/store/index.ts';
import { DICOM_DIR, dciodvfy, dcmdump, makeMask, pydicomCheck, SAMPLE_IMAGES, setMask } from './helpers.ts';

let tmp: string;
let store: ProjectStore;
const masks = new Map<string, Uint8Array>();
const sources = ['CR-MONO1-10-chest', 'nih_cxr_DX_implicitLE_8bit.dcm', 'CR1_6154'].map((f) =>
  path.join(DICOM_DIR, f),
);
const png = path.join(SAMPLE_IMAGES, 'kermany_train_NORMAL_IM-0115-0001.png');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-seg-'));
  store = createProject(path.join(tmp, 'p'), { classes: ['normal', 'pneumonia'] });
  store.addClass('heart', 'mask');
  const r = await runImport(store, { paths: [...sources, png] });
  expect(r.failed).toEqual([]);
  for (const img of store.listImages().items) {
    const m = makeMask(img);
    masks.set(`${img.id}/lung`, m);
    await setMask(store, img, 'lung', m);
  }
  const first = store.listImages().items[0];
  const heart = makeMask(first, 3);
  masks.set(`${first.id}/heart`, heart);
  await setMask(store, first, 'heart', heart);
});
afterAll(() => {
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('DICOM SEG export', () => {
  it('writes one valid binary SEG per image that dciodvfy, dcmdump and pydicom accept, frames equal to the masks', async () => {
    const r = await exportSeg(store, path.join(tmp, 'seg'), { softwareVersion: 'test' });
    expect(r.failed).toEqual([]);
    expect(r.files).toHaveLength(4);
    for (const f of r.files) {
      const v = dciodvfy(f.file);
      expect(v.errors, v.output).toEqual([]);
      expect(v.output).toMatch(/^Segmentation$/m);
      const d = dcmdump(f.file);
      expect(d.code).toBe(0);
      expect(d.output).toMatch(/SegmentationStorage/);
      expect(d.output).toMatch(/\(0062,0001\) CS \[BINARY\]/);
    }
    const py = pydicomCheck(r.files.map((f) => f.file));
    for (const f of r.files) {
      const img = store.getImage(f.imageId)!;
      const info = py[f.file];
      const meta = img.meta as {
        sopInstanceUid?: string;
        studyInstanceUid?: string;
        seriesInstanceUid?: string;
      };
      const uids =
        img.format === 'dicom'
          ? { sop: meta.sopInstanceUid, study: meta.studyInstanceUid, series: meta.seriesInstanceUid }
          : generatedSourceUids(img.sha256);
      expect(info).toMatchObject({
        sopClass: '1.2.840.10008.5.1.4.1.1.66.4',
        refSop: uids.sop,
        refSopInSeries: uids.sop,
        refSeries: uids.series,
        study: uids.study,
      });
      expect(info.series).not.toBe(uids.series);
      expect(info.segments[0]).toEqual({ label: 'lung', code: '39607008', scheme: 'SCT', meaning: 'Lung' });
      expect(info.frames).toHaveLength(f.segments.length);
      info.frames.forEach((fr, i) => {
        const want = masks.get(`${img.id}/${f.segments[i]}`)!;
        expect(fr.segment).toBe(i + 1);
        expect(fr.sha256).toBe(sha(want));
      });
    }
    // The CR's patient and study travel with the SEG, so a PACS files it into the source study.
    const cr = r.files.find((f) => store.getImage(f.imageId)!.originalPath.endsWith('CR1_6154'))!;
    expect(py[cr.file].patientName).toBe('Doe^Archibald');
    expect(py[cr.file].segments.map((s) => s.label)).toEqual(['lung']);
    expect(py[r.files[0].file].segments.map((s) => s.label)).toEqual(['lung', 'heart']);
  });

  it('gives PNG sources stable generated UIDs and the same SEG UID for unchanged masks', async () => {
    const a = await exportSeg(store, path.join(tmp, 'a'));
    const b = await exportSeg(store, path.join(tmp, 'b'));
    const py = pydicomCheck([...a.files, ...b.files].map((f) => f.file));
    a.files.forEach((f, i) => {
      expect(py[f.file].sop).toBe(py[b.files[i].file].sop);
    });
    const img = store.listImages().items.find((i) => i.format === 'png')!;
    const f = a.files.find((x) => x.imageId === img.id)!;
    expect(py[f.file].refSop).toBe(generatedSourceUids(img.sha256).sop);
    expect(py[f.file].refSop).toMatch(/^2\.25\.\d+$/);
  });

  it('imports the SEGs back as masks with zero pixel difference', async () => {
    const r = await exportSeg(store, path.join(tmp, 'rt'));
    for (const img of store.listImages().items)
      for (const c of ['lung', 'heart']) if (store.getMask(img.id, c)) store.clearMask(img.id, 'test', c);
    expect(store.listMasks()).toHaveLength(0);
    const back = await importSeg(
      store,
      r.files.map((f) => f.file),
      { author: 'seg-import' },
    );
    expect(back.failed).toEqual([]);
    expect(back.imported).toHaveLength(masks.size);
    for (const [key, want] of masks) {
      const [id, cls] = key.split('/');
      const row = store.getMask(Number(id), cls)!;
      expect(row.source).toBe('import');
      const got = await decodeMaskPng(row.png);
      let diff = 0;
      for (let i = 0; i < want.length; i++) diff += got.data[i] !== want[i] ? 1 : 0;
      expect(diff).toBe(0);
    }
  });

  it('refuses what is not a usable SEG, naming the file, and leaves the masks alone', async () => {
    const before = store.listMasks().length;
    const good = (await exportSeg(store, path.join(tmp, 'bad'))).files[0].file;
    const truncated = path.join(tmp, 'truncated.dcm');
    writeFileSync(truncated, readFileSync(good).subarray(0, 2000));
    const other = createProject(path.join(tmp, 'other'));
    const r = await importSeg(store, [sources[2], truncated, path.join(tmp, 'missing.dcm')], { author: 'x' });
    expect(r.imported).toEqual([]);
    expect(r.failed.map((f) => f.file)).toEqual([sources[2], truncated, path.join(tmp, 'missing.dcm')]);
    expect(r.failed[0].reason).toMatch(/not a DICOM Segmentation/);
    expect(r.failed[1].reason).toMatch(/not a readable DICOM file|Pixel Data/);
    expect(r.failed[2].reason).toMatch(/ENOENT|no such file/);
    const unknown = await importSeg(other, [good], { author: 'x' });
    expect(unknown.failed[0].reason).toMatch(/not in the project/);
    expect(other.listMasks()).toEqual([]);
    other.close();
    expect(store.listMasks()).toHaveLength(before);
  });
});
