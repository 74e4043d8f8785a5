import { describe, expect, it } from 'vitest';
import { packThumbnails } from '../../core/api/thumbnail-pack.ts';
import { parseThumbUrl, ThumbCache, type ThumbLoader } from './thumb-cache.ts';

interface El {
  id: number;
  shown: boolean;
  released: boolean;
}

/** A server of packed batches over ids 1..n (version 'v<id>'), recording every request. */
function fakeServer(n: number, opts: { fail?: boolean } = {}) {
  const asked: number[][] = [];
  const pending: Array<() => void> = [];
  const loader: ThumbLoader<El> = {
    fetchBatch: (url) =>
      new Promise((resolve, reject) => {
        const ids = new URL(url, 'http://x').searchParams.get('ids')!.split(',').map(Number);
        asked.push(ids);
        pending.push(() => {
          if (opts.fail) return reject(new Error('500'));
          const thumbs = ids
            .filter((id) => id <= n)
            .map((id) => ({ id, v: `v${id}`, mime: 'image/webp', data: new Uint8Array([id]) }));
          const b = packThumbnails(thumbs);
          resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
        });
      }),
    decode: async (data) => ({ id: data[0], shown: false, released: false }),
    inUse: (el) => el.shown,
    release: (el) => {
      el.released = true;
    },
  };
  /** Answers every request sent so far, and lets the decodes settle. */
  const flush = async () => {
    while (pending.length) pending.shift()!();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { loader, asked, flush };
}

const url = (id: number, v = `v${id}`) => `/media/thumbnail/${id}?v=${v}`;
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => url(a + k));

describe('thumbnail cache', () => {
  it('parses thumbnail URLs of both shells', () => {
    expect(parseThumbUrl('/media/thumbnail/12?v=abc')).toMatchObject({ prefix: '/media/', id: 12, v: 'abc' });
    expect(parseThumbUrl('spcxr-image://media/thumbnail/3')).toMatchObject({
      prefix: 'spcxr-image://media/',
      id: 3,
      v: null,
    });
    expect(parseThumbUrl('/media/display/3.png')).toBeNull();
  });

  it('fetches wanted thumbnails in batches, most urgent first, at most `concurrency` at a time', async () => {
    const s = fakeServer(100);
    const c = new ThumbCache(s.loader, { capacity: 100, batch: 4, concurrency: 2 });
    c.want([url(9), ...range(1, 9)]);
    expect(s.asked).toEqual([
      [9, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    await s.flush();
    expect(s.asked.at(-1)).toEqual([8]);
    await s.flush();
    for (let id = 1; id <= 9; id++) expect(c.get(url(id))?.id).toBe(id);
    expect(c.requests).toBe(3);
  });

  it('drops queued rows a new window no longer wants, and never asks twice for one URL', async () => {
    const s = fakeServer(100);
    const c = new ThumbCache(s.loader, { capacity: 100, batch: 2, concurrency: 1 });
    c.want(range(1, 9));
    c.want(range(50, 53)); // scrolled away before 3..8 were sent
    await s.flush();
    await s.flush();
    await s.flush();
    expect(s.asked).toEqual([[1, 2], [50, 51], [52]]);
    c.want([...range(1, 3), ...range(50, 53)]);
    expect(s.asked).toHaveLength(3);
  });

  it('hands a waiting tile its element when the batch lands, and null when it cannot', async () => {
    const s = fakeServer(5);
    const c = new ThumbCache(s.loader, { capacity: 100, batch: 10, concurrency: 1 });
    const got: Array<El | null> = [];
    c.onReady(url(2), (el) => got.push(el));
    c.onReady(url(7), (el) => got.push(el)); // no such image
    c.onReady(url(3, 'old'), (el) => got.push(el)); // the id now holds another picture
    c.want([url(2), url(7), url(3, 'old')]);
    await s.flush();
    expect(got.map((e) => e?.id ?? null).sort()).toEqual([2, null, null]);
    expect(c.hasFailed(url(7))).toBe(true);
    expect(c.hasFailed(url(3, 'old'))).toBe(true);
    c.want([url(7)]);
    expect(s.asked).toHaveLength(1);
  });

  it('marks a whole failed batch as failed, so tiles fall back to the single URL', async () => {
    const s = fakeServer(5, { fail: true });
    const c = new ThumbCache(s.loader, { capacity: 100, batch: 10, concurrency: 1 });
    const got: Array<El | null> = [];
    c.onReady(url(1), (el) => got.push(el));
    c.want(range(1, 4));
    await s.flush();
    expect(got).toEqual([null]);
    expect([1, 2, 3].every((id) => c.hasFailed(url(id)))).toBe(true);
  });

  it('keeps at most `capacity` elements, evicting the least recently used but never one on screen', async () => {
    const s = fakeServer(100);
    const c = new ThumbCache(s.loader, { capacity: 4, batch: 10, concurrency: 1 });
    c.want(range(1, 5));
    await s.flush();
    const one = c.get(url(1))!;
    one.shown = true; // on screen, and oldest
    c.get(url(3)); // recently used
    c.want(range(5, 7));
    await s.flush();
    expect(c.size).toBe(4);
    expect(c.get(url(1))).toBe(one);
    expect(c.get(url(3))).toBeDefined();
    expect(c.get(url(2))).toBeUndefined();
    expect(c.get(url(4))).toBeUndefined();
  });
});
