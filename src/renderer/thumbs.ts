/**
 * The grid's thumbnails in the browser: one `ThumbCache` of decoded <img> elements on data:
 * URLs, and the attachment that puts a tile's element in place. A tile whose thumbnail is
 * ready takes the decoded element at once; otherwise it waits for its batch; if the batch
 * cannot deliver it, the tile falls back to the thumbnail's own URL.
 */
import type { Attachment } from 'svelte/attachments';
import { ThumbCache, type ThumbLoader } from './lib/thumb-cache.ts';

/**
 * A data: URL, not a blob: URL: creating a Blob and registering its URL cost about 1 ms per
 * thumbnail on the main thread (profiled: most of a fast scroll's script time), encoding ~5 KB
 * as base64 costs a few microseconds, and the browser loads a data: image without a round trip.
 */
function dataUrl(data: Uint8Array, mime: string): string {
  let bin = '';
  for (let i = 0; i < data.length; i += 0x8000)
    bin += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000) as unknown as number[]);
  return `data:${mime};base64,${btoa(bin)}`;
}

const loader: ThumbLoader<HTMLImageElement> = {
  async fetchBatch(url) {
    const r = await fetch(url, { credentials: 'same-origin' });
    if (!r.ok) throw new Error(`thumbnail batch: ${r.status} ${await r.text()}`);
    return r.arrayBuffer();
  },
  async decode(data, mime) {
    const img = new Image();
    img.src = dataUrl(data, mime);
    // Loaded, not pre-decoded: the rasteriser decodes at the tile's scale anyway (traced), so
    // an `img.decode()` at full size was a second decode of every picture.
    if (!img.complete)
      await new Promise((resolve, reject) => {
        img.onload = resolve;
        img.onerror = () => reject(new Error('thumbnail could not be decoded'));
      });
    if (!img.naturalWidth) throw new Error('thumbnail could not be decoded');
    return img;
  },
  inUse: (img) => img.isConnected,
  release: (img) => img.removeAttribute('src'),
};

/**
 * About 25 screens of 150-px tiles; the pictures are ~5 KB encoded, and the browser may drop
 * decoded pixels of elements off screen under memory pressure (they re-decode when shown).
 */
export const thumbs = new ThumbCache(loader, { capacity: 2000, batch: 64, concurrency: 6 });

/** The tile's picture: the cached decoded element, else the one its batch brings, else the URL. */
export function thumbnail(url: string, alt: string, size: number): Attachment<HTMLElement> {
  return (node) => {
    const show = (img: HTMLImageElement | null) => {
      const el = img ?? new Image();
      if (!img) el.src = url;
      el.alt = alt;
      el.width = size;
      el.height = size;
      node.replaceChildren(el);
    };
    const ready = thumbs.get(url);
    if (ready) {
      show(ready);
      return;
    }
    if (thumbs.hasFailed(url)) {
      show(null);
      return;
    }
    // The grid's window (which holds every rendered tile) queues the fetch.
    return thumbs.onReady(url, show);
  };
}
