import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeFile,
  maskToOriginal,
  renderDisplay,
  resizeGray,
  squareGeometry,
  toModelInput,
} from '../../src/core/imaging/index.ts';
import { itShared } from '../shared-data.ts';
import { cxrRoot, maxAbsDiff, python, repoRoot } from './helpers.ts';

/**
 * Pillow's reference for the canonical recipe: pad to a centred square (offset floor((side−w)/2))
 * with 0, Image.resize(BILINEAR) on mode 'F', then (v/255 − mean)/std, float32 bytes out.
 */
function pilModelInput(
  gray: Uint8Array,
  w: number,
  h: number,
  size: number,
  mean: number,
  std: number,
): Float32Array {
  const out = python(
    `
import sys, numpy as np
from PIL import Image
w, h, size, mean, std = ${w}, ${h}, ${size}, ${mean}, ${std}
a = np.frombuffer(sys.stdin.buffer.read(), np.uint8).reshape(h, w)
side = max(w, h)
sq = np.zeros((side, side), np.float32)
ox, oy = (side - w) // 2, (side - h) // 2
sq[oy:oy + h, ox:ox + w] = a
r = np.asarray(Image.fromarray(sq, 'F').resize((size, size), Image.BILINEAR), np.float32)
sys.stdout.buffer.write(((r / np.float32(255) - np.float32(mean)) / np.float32(std)).astype('<f4').tobytes())
`,
    Buffer.from(gray),
  );
  return new Float32Array(new Uint8Array(out).buffer);
}

function noise(w: number, h: number, seed: number): Uint8Array {
  const a = new Uint8Array(w * h);
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = (s >>> 16) & 255;
  }
  return a;
}

describe('canonical model input matches Pillow', () => {
  const cases: [string, number, number, number][] = [
    ['downscale, landscape', 301, 217, 64],
    ['downscale, portrait, odd padding', 120, 257, 224],
    ['upscale', 37, 50, 224],
    ['same size', 96, 96, 96],
    ['non-integer factor', 256, 256, 100],
  ];
  for (const [name, w, h, size] of cases) {
    it(`${name}: ${w}×${h} → ${size}²`, () => {
      const g = noise(w, h, w * 31 + h);
      const { data, geometry } = toModelInput(g, w, h, { size, mean: 0.5, std: 0.25 });
      expect(geometry).toEqual(squareGeometry(w, h));
      expect(data.length).toBe(size * size);
      expect(maxAbsDiff(data, pilModelInput(g, w, h, size, 0.5, 0.25))).toBeLessThan(1e-5);
    });
  }

  itShared('a real NIH PNG at 224', async () => {
    const img = await decodeFile(path.join(cxrRoot, 'nih_cxr14_talo/images/00001280_004.png'));
    const g = renderDisplay(img);
    const { data } = toModelInput(g, img.width, img.height, { size: 224, mean: 0.485, std: 0.229 });
    expect(maxAbsDiff(data, pilModelInput(g, img.width, img.height, 224, 0.485, 0.229))).toBeLessThan(1e-5);
  });

  it('reproduces the pretraining golden tensor (vit-micro golden.json)', async () => {
    const golden = JSON.parse(
      readFileSync(path.join(repoRoot, 'test/fixtures/models/vit-micro/golden.json'), 'utf8'),
    );
    const spec = golden.preprocessing;
    const img = await decodeFile(path.join(repoRoot, golden.image));
    const { data } = toModelInput(renderDisplay(img), img.width, img.height, spec);
    const ref = new Float32Array(new Uint8Array(Buffer.from(golden.input.data, 'base64')).buffer);
    expect(golden.input.shape).toEqual([1, 1, spec.size, spec.size]);
    expect(maxAbsDiff(data, ref)).toBeLessThan(golden.tolerance?.preprocess ?? 1e-4);
  });

  it('the 12-bit MONOCHROME1 DICOM of an NIH PNG gives the same model input as the PNG', async () => {
    const png = await decodeFile(path.join(repoRoot, 'test/fixtures/images/00000061_012.png'));
    const dcm = await decodeFile(path.join(repoRoot, 'test/fixtures/dicom/nih_00000061_012_mono1_12bit.dcm'));
    expect(dcm.invert).toBe(true);
    expect(renderDisplay(dcm)).toEqual(renderDisplay(png));
  });
});

describe('masks back to the original geometry', () => {
  it('nearest mapping crops the padding and keeps labels', () => {
    const w = 300;
    const h = 200;
    const g = squareGeometry(w, h);
    expect(g).toEqual({ side: 300, offsetX: 0, offsetY: 50, width: 300, height: 200 });
    // Label map at model size: left half 1, right half 2, padding rows 0.
    const size = 60;
    const m = new Uint8Array(size * size);
    for (let y = 10; y < 50; y++) for (let x = 0; x < size; x++) m[y * size + x] = x < 30 ? 1 : 2;
    const back = maskToOriginal(m, size, g);
    expect(back.length).toBe(w * h);
    expect(new Set(back)).toEqual(new Set([1, 2]));
    expect(back[0]).toBe(1);
    expect(back[w - 1]).toBe(2);
    expect(back[(h - 1) * w + 149]).toBe(1);
    expect(back[(h - 1) * w + 150]).toBe(2);
  });

  itShared('a real lung mask survives model size and back (IoU > 0.9 at 64²)', async () => {
    const { decodeMaskPng } = await import('../../src/core/imaging/index.ts');
    const mask = await decodeMaskPng(
      path.join(cxrRoot, 'ieee8023/masks_v7/01E392EE-69F9-4E33-BFCE-E5C968654078.png'),
    );
    // Pretend the image were 256×200 (crop), so padding is involved.
    const w = 256;
    const h = 200;
    const crop = mask.data.subarray(0, w * h);
    const g = squareGeometry(w, h);
    const square = new Uint8Array(g.side * g.side);
    for (let y = 0; y < h; y++)
      square.set(crop.subarray(y * w, (y + 1) * w), (y + g.offsetY) * g.side + g.offsetX);
    const small = resizeGray(square, g.side, g.side, 64, 64, 'nearest');
    const back = maskToOriginal(small, 64, g);
    let inter = 0;
    let union = 0;
    for (let i = 0; i < back.length; i++) {
      inter += back[i] & crop[i];
      union += back[i] | crop[i];
    }
    expect(inter / union).toBeGreaterThan(0.9);
  });
});
