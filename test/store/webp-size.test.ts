import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { webpSize } from '../../src/core/import/webp-size.ts';

describe('webpSize', () => {
  it('reads lossy, lossless and extended WebP headers like sharp does', async () => {
    const raw = sharp(Buffer.alloc(300 * 171, 128), { raw: { width: 300, height: 171, channels: 1 } });
    for (const opts of [{ quality: 80 }, { lossless: true }, { quality: 80, alphaQuality: 50 }]) {
      const buf = await raw.clone().ensureAlpha(0.5).webp(opts).toBuffer();
      const m = await sharp(buf).metadata();
      expect(webpSize(buf)).toEqual({ width: m.width, height: m.height });
    }
    const plain = await raw.clone().webp({ quality: 80 }).toBuffer();
    expect(webpSize(plain)).toEqual({ width: 300, height: 171 });
    expect(webpSize(new Uint8Array(40))).toBeNull();
  });
});
