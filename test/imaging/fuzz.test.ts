import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { decodeBuffer, ImageDecodeError, renderDisplay } from '../../src/core/imaging/index.ts';
import { describeShared, hasSharedData } from '../shared-data.ts';
import { dicomRoot, repoRoot } from './helpers.ts';

/**
 * Hostile bytes: seeded random truncations and byte flips of real files in every codec. Each
 * attempt must either decode (and render) or fail with an ImageDecodeError naming the file:
 * never another exception, never a hang.
 */
const FILES = [
  'share/MR_small_explicitLE.dcm',
  'share/MR_small_bigendian.dcm',
  'share/MR_small_rle.dcm',
  'share/MR_small_jpegls_lossless.dcm',
  'share/MR_small_j2k_lossless.dcm',
  'share/CR-MONO1-10-chest',
  'share/image_dfl_deflate.dcm',
  'share/CTImage_jpeg_baseline.dcm',
  'share/CTImage_jpeg_lossless_p14.dcm',
  'share/JPGExtended_NM_12bit.dcm',
  'share/CTImage_jpeg_progressive_55.dcm',
  'share/SC_rgb_explicitLE.dcm',
  'share/TestPattern_Palette_16.dcm',
].flatMap((f) => (hasSharedData ? [readFileSync(path.join(dicomRoot, f))] : []));
FILES.push(readFileSync(path.join(repoRoot, 'test/fixtures/images/00000061_012.png')));

describeShared('fuzzed inputs', () => {
  it('only ever decode or raise ImageDecodeError', async () => {
    let seed = 2024;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const src = FILES[i % FILES.length];
      const b = Buffer.from(src);
      const m = i % 2 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
      if (i % 2 === 0) for (let k = 0; k < 1 + rnd() * 16; k++) m[Math.floor(rnd() * m.length)] = rnd() * 256;
      const name = `fuzz-${i}.bin`;
      try {
        renderDisplay(await decodeBuffer(m, name));
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(ImageDecodeError);
        expect((e as ImageDecodeError).message.startsWith(`${name}: `)).toBe(true);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(50);
  });
});
