import { describe, expect, it } from 'vitest';
import { packThumbnails, unpackThumbnails } from '../../src/core/api/thumbnail-pack.ts';

const bytes = (...xs: number[]) => new Uint8Array(xs);

describe('thumbnail pack', () => {
  it('round-trips pictures of different sizes, including an empty batch', () => {
    const thumbs = [
      { id: 7, v: 'abc', mime: 'image/webp', data: bytes(1, 2, 3) },
      { id: 9, v: 'def', mime: 'image/png', data: bytes() },
      { id: 11, v: 'ghi', mime: 'image/webp', data: bytes(4, 5) },
    ];
    const packed = packThumbnails(thumbs);
    const got = unpackThumbnails(packed.buffer.slice(0) as ArrayBuffer);
    expect(got.map((t) => ({ ...t, data: [...t.data] }))).toEqual(
      thumbs.map((t) => ({ ...t, data: [...t.data] })),
    );
    expect(unpackThumbnails(packThumbnails([]).buffer as ArrayBuffer)).toEqual([]);
  });

  it('names what is wrong with a truncated batch', () => {
    const packed = packThumbnails([{ id: 7, v: 'abc', mime: 'image/webp', data: bytes(1, 2, 3) }]);
    expect(() => unpackThumbnails(packed.buffer.slice(0, packed.byteLength - 1) as ArrayBuffer)).toThrow(
      'thumbnail 7 in the batch overruns the body',
    );
    expect(() => unpackThumbnails(packed.buffer.slice(0, 10) as ArrayBuffer)).toThrow(
      /index of \d+ bytes overruns/,
    );
    expect(() => unpackThumbnails(new ArrayBuffer(2))).toThrow('has no index');
  });
});
