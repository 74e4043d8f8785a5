import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  decodeBuffer,
  decodeFile,
  decodeMaskPng,
  encodeGrayPng,
  makeThumbnail,
  probeFile,
  renderDisplay,
} from '../../src/core/imaging/index.ts';
import { describeShared, itShared } from '../shared-data.ts';
import { cxrRoot, dicomRoot, python, readCsv } from './helpers.ts';

function sample<T>(rows: T[], n: number): T[] {
  const step = Math.max(1, Math.floor(rows.length / n));
  return rows.filter((_, i) => i % step === 0).slice(0, n);
}

describeShared('real chest X-ray PNGs (../shared/data/cxr)', () => {
  for (const source of ['nih_cxr14_talo', 'kermany_pediatric', 'ieee8023']) {
    it(`${source}: size, format and pixel hash match the manifest`, async () => {
      const rows = sample(readCsv(path.join(cxrRoot, source, 'manifest.csv')), 15);
      for (const r of rows) {
        const file = path.join(cxrRoot, source, r.file);
        const img = await decodeFile(file);
        expect([img.format, img.width, img.height]).toEqual(['png', 256, 256]);
        expect(await probeFile(file)).toEqual({ format: 'png', width: 256, height: 256 });
        expect(img.raw).toBeInstanceOf(Uint8Array);
        expect(createHash('sha1').update(img.raw).digest('hex')).toBe(r.pixel_sha1);
        // 8-bit grey displays as itself: the model sees exactly the PNG's grey levels.
        expect(renderDisplay(img)).toBe(img.raw);
      }
    });
  }

  it('lung masks (V7, 0/255) decode to 0/1 at the image size', async () => {
    const rows = readCsv(path.join(cxrRoot, 'ieee8023/manifest.csv')).filter((r) => r.mask);
    const m = await decodeMaskPng(path.join(cxrRoot, 'ieee8023', rows[0].mask));
    expect([m.width, m.height]).toEqual([256, 256]);
    const ones = m.data.reduce((a, v) => a + v, 0);
    expect(new Set(m.data)).toEqual(new Set([0, 1]));
    expect(ones).toBeGreaterThan(256 * 256 * 0.05);
    const png = await encodeGrayPng(m.data, m.width, m.height);
    expect((await decodeMaskPng(png, 'roundtrip.png')).data).toEqual(m.data);
  });
});

describe('colour, 16-bit and JPEG inputs', () => {
  const rgbPng = python(`
import sys, io, numpy as np
from PIL import Image
rng = np.random.default_rng(3)
a = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
b = io.BytesIO(); Image.fromarray(a).save(b, 'PNG'); png = b.getvalue()
l = np.array(Image.fromarray(a).convert('L')).tobytes()
g = (rng.integers(0, 4096, (29, 31))).astype(np.uint16)
c = io.BytesIO(); Image.fromarray(g).save(c, 'PNG'); png16 = c.getvalue()
sys.stdout.buffer.write(len(png).to_bytes(4, 'big') + png + l + len(png16).to_bytes(4, 'big') + png16 + g.astype('<u2').tobytes())
`);
  const n1 = rgbPng.readUInt32BE(0);
  const png = rgbPng.subarray(4, 4 + n1);
  const pilL = rgbPng.subarray(4 + n1, 4 + n1 + 37 * 53);
  const o = 4 + n1 + 37 * 53;
  const n2 = rgbPng.readUInt32BE(o);
  const png16 = rgbPng.subarray(o + 4, o + 4 + n2);
  const g16 = new Uint16Array(new Uint8Array(rgbPng.subarray(o + 4 + n2)).buffer, 0, 29 * 31);

  it("RGB PNG → luminance identical to PIL convert('L') (ITU-R 601)", async () => {
    const img = await decodeBuffer(png, 'rgb.png');
    expect([img.width, img.height]).toEqual([53, 37]);
    expect(Buffer.from(img.raw as Uint8Array).equals(pilL)).toBe(true);
    expect(img.warnings.join()).toMatch(/colour PNG converted to luminance/);
  });

  it('16-bit grey PNG keeps its 16-bit values; default window is min–max', async () => {
    const img = await decodeBuffer(png16, 'g16.png');
    expect(img.raw).toBeInstanceOf(Uint16Array);
    expect(Array.from(img.raw)).toEqual(Array.from(g16));
    expect(img.windows[0].name).toBe('min–max');
    const d = renderDisplay(img);
    const lo = Math.min(...g16);
    const hi = Math.max(...g16);
    expect(d[g16.indexOf(lo)]).toBe(0);
    expect(d[g16.indexOf(hi)]).toBe(255);
  });

  it('JPEG (grey and colour) decodes through sharp', async () => {
    const grey = await sharp(Buffer.alloc(40 * 30, 128), { raw: { width: 40, height: 30, channels: 1 } })
      .jpeg()
      .toBuffer();
    const img = await decodeBuffer(grey, 'grey.jpg');
    expect([img.format, img.width, img.height]).toEqual(['jpeg', 40, 30]);
    expect(Math.abs((img.raw as Uint8Array)[0] - 128)).toBeLessThanOrEqual(1);
    const colour = await sharp(png).jpeg({ quality: 95 }).toBuffer();
    const c = await decodeBuffer(colour, 'colour.jpg');
    expect([c.width, c.height]).toEqual([53, 37]);
  });

  itShared('thumbnails are WebP, longest side ≤ maxSide, never enlarged', async () => {
    const img = await decodeFile(path.join(cxrRoot, 'nih_cxr14_talo/images/00000061_012.png'));
    const t = await makeThumbnail(renderDisplay(img), img.width, img.height, 128);
    const meta = await sharp(t).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 128, 128]);
    const small = await sharp(await makeThumbnail(new Uint8Array(50 * 20), 50, 20)).metadata();
    expect([small.width, small.height]).toEqual([50, 20]);
  });
});

describeShared('medical JPEG streams saved as .jpg files', () => {
  async function codestream(dicomFile: string): Promise<Uint8Array> {
    const { dicomParser } = await import('../../src/core/imaging/dicom/parse.ts');
    const ds = dicomParser.parseDicom(readFileSync(path.join(dicomRoot, dicomFile)));
    const el = ds.elements.x7fe00010;
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, el.fragments!.length);
  }

  for (const f of ['share/JPGExtended_NM_12bit.dcm', 'share/IM-0001_CT_jpeg_lossless_multiwindow.dcm']) {
    it(`${f}: the bare JPEG decodes to the DICOM's stored values`, async () => {
      const dcm = await decodeFile(path.join(dicomRoot, f));
      const jpg = await decodeBuffer(await codestream(f), 'stream.jpg');
      expect([jpg.format, jpg.width, jpg.height]).toEqual(['jpeg', dcm.width, dcm.height]);
      expect(jpg.raw).toBeInstanceOf(Uint16Array);
      expect(Array.from(jpg.raw)).toEqual(Array.from(dcm.raw));
      expect(jpg.windows[0].name).toBe('min–max');
    });
  }
});
