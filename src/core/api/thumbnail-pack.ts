/**
 * The thumbnail batch (`media/thumbnails?ids=1,2,3`): many grid thumbnails in one response,
 * because one request per tile capped a scrolling grid at about 100 thumbnails a second.
 * Layout: a 4-byte little-endian length N, N bytes of UTF-8 JSON (`ThumbnailPackIndex`), then
 * the encoded pictures back to back; each entry's `offset` counts from the end of the index.
 * Shared by the server (pack) and the renderer (unpack), so the two cannot drift.
 */

export const THUMBNAIL_PACK_MIME = 'application/x-spcxr-thumbnails';
/** Most ids one batch may name: a few screens of tiles, and a URL well under 8 KB. */
export const MAX_THUMBNAIL_BATCH = 500;

export interface ThumbnailPackEntry {
  id: number;
  /** The thumbnail's version, as in its single URL (`thumbnail/<id>?v=`). */
  v: string;
  mime: string;
  offset: number;
  length: number;
}

export interface ThumbnailPackIndex {
  items: ThumbnailPackEntry[];
}

export interface PackedThumbnail {
  id: number;
  v: string;
  mime: string;
  data: Uint8Array;
}

export function packThumbnails(thumbs: PackedThumbnail[]): Uint8Array {
  let offset = 0;
  const items = thumbs.map((t) => {
    const e = { id: t.id, v: t.v, mime: t.mime, offset, length: t.data.byteLength };
    offset += t.data.byteLength;
    return e;
  });
  const index = new TextEncoder().encode(JSON.stringify({ items } satisfies ThumbnailPackIndex));
  const out = new Uint8Array(4 + index.byteLength + offset);
  new DataView(out.buffer).setUint32(0, index.byteLength, true);
  out.set(index, 4);
  let at = 4 + index.byteLength;
  for (const t of thumbs) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}

/** Splits a batch back into pictures (views into `buf`); throws naming what is malformed. */
export function unpackThumbnails(buf: ArrayBuffer): PackedThumbnail[] {
  if (buf.byteLength < 4) throw new Error(`thumbnail batch of ${buf.byteLength} bytes has no index`);
  const n = new DataView(buf).getUint32(0, true);
  if (4 + n > buf.byteLength)
    throw new Error(`thumbnail batch index of ${n} bytes overruns the ${buf.byteLength}-byte body`);
  const index = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n))) as ThumbnailPackIndex;
  const base = 4 + n;
  return index.items.map((e) => {
    if (base + e.offset + e.length > buf.byteLength)
      throw new Error(`thumbnail ${e.id} in the batch overruns the body`);
    return { id: e.id, v: e.v, mime: e.mime, data: new Uint8Array(buf, base + e.offset, e.length) };
  });
}

/** The version of an image's thumbnail: its content hash, so a reused id never shows an old picture. */
export function thumbnailVersion(sha256: string): string {
  return sha256.slice(0, 12);
}
