/**
 * Pixels for the renderer, by id: display PNG at a window, raw 16-bit PNG, thumbnail (one, or a
 * batch for the grid), mask, predicted mask, and export files. Shared by `spcxr serve` (/media/...) and Electron's
 * `spcxr-image://media/...` protocol. The only path-based kind (`file/`) resolves inside the
 * project's exports folder and refuses anything else, symlinks included.
 */

import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import type { ProjectSession } from '../app/session.ts';
import { EXPORTS_DIR } from '../export/safe-path.ts';
import { zipFolder } from '../export/zip.ts';
import { decodeFile, encodeGrayPng, renderDisplay } from '../imaging/index.ts';
import type { DecodedImage, DisplayOptions } from '../imaging/types.ts';
import { thumbnailBatch } from './thumbnail-batch.ts';
import { thumbnailVersion } from './thumbnail-pack.ts';

export interface MediaResponse {
  status: number;
  mime: string;
  body: Uint8Array | string;
}

const decodedCache = new WeakMap<ProjectSession, Map<number, Promise<DecodedImage>>>();

/** Decoded pixels of an image; the last few stay cached for window/level round trips. */
export function decodedImage(s: ProjectSession, id: number): Promise<DecodedImage> {
  let cache = decodedCache.get(s);
  if (!cache) {
    cache = new Map();
    decodedCache.set(s, cache);
  }
  const hit = cache.get(id);
  if (hit) return hit;
  const p = decodeFile(s.store.imagePath(s.image(id)));
  cache.set(id, p);
  p.catch(() => cache.delete(id));
  if (cache.size > 3) cache.delete(cache.keys().next().value as number);
  return p;
}

/** Folder under the project whose files may be fetched by path. */
export { EXPORTS_DIR };

export const notFound = (why: string): MediaResponse => ({ status: 404, mime: 'text/plain', body: why });
const forbidden = (why: string): MediaResponse => ({ status: 403, mime: 'text/plain', body: why });
const png = (body: Uint8Array): MediaResponse => ({ status: 200, mime: 'image/png', body });

/**
 * Resolves a still-URL-encoded relative path inside `root`, or null. Each segment is decoded
 * once; '.', '..', empty segments, separators and NUL inside a segment are refused, and the
 * real path (after symlinks) must stay under the real root.
 */
export function resolveInside(root: string, encodedRel: string): string | null {
  const segs: string[] = [];
  for (const raw of encodedRel.split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (!seg || seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return null;
    segs.push(seg);
  }
  if (!segs.length) return null;
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(path.join(realRoot, ...segs));
    return real.startsWith(realRoot + path.sep) ? real : null;
  } catch {
    return null;
  }
}

function displayOptions(q: URLSearchParams): DisplayOptions {
  const opts: DisplayOptions = { invert: q.get('invert') === '1' };
  const center = Number(q.get('center'));
  const width = Number(q.get('width'));
  if (q.has('center') && q.has('width') && Number.isFinite(center) && width > 0)
    opts.window = { center, width };
  else if (q.has('window') && /^\d+$/.test(q.get('window') ?? '')) opts.window = Number(q.get('window'));
  return opts;
}

/** 16-bit PNG of stored values shifted by storedRange[0] (so signed data fits): v = png + lo. */
function rawPng(img: DecodedImage): Uint8Array {
  const lo = img.storedRange[0];
  const out = new Uint16Array(img.width * img.height);
  const src = img.raw;
  for (let i = 0; i < out.length; i++) {
    const v = Math.round(src[i] - lo);
    out[i] = Math.min(65535, Math.max(0, v));
  }
  return encodePng({ width: img.width, height: img.height, data: out, depth: 16, channels: 1 });
}

const ID = /^(\d{1,12})(?:\.png)?$/;

/** Answers `kind/rest` (e.g. 'display/12.png'); `query` holds window and class options. */
export async function serveMedia(
  s: ProjectSession | null,
  mediaPath: string,
  query: URLSearchParams,
): Promise<MediaResponse> {
  if (!s) return notFound('no project is open');
  const slash = mediaPath.indexOf('/');
  const kind = slash < 0 ? mediaPath : mediaPath.slice(0, slash);
  const rest = slash < 0 ? '' : mediaPath.slice(slash + 1);
  if (kind === 'file') {
    const file = resolveInside(path.join(s.dir, EXPORTS_DIR), rest);
    if (!file) return forbidden('path is outside the project exports folder or does not exist');
    // A folder export (masks, model bundle) downloads as one zip instead of failing with EISDIR.
    if (statSync(file).isDirectory()) return { status: 200, mime: 'application/zip', body: zipFolder(file) };
    const mime = file.endsWith('.csv')
      ? 'text/csv'
      : file.endsWith('.png')
        ? 'image/png'
        : 'application/octet-stream';
    return { status: 200, mime, body: await readFile(file) };
  }
  if (kind === 'thumbnails') return thumbnailBatch(s, query.get('ids'));
  const parts = rest.split('/');
  const m = ID.exec(parts.at(-1) ?? '');
  if (!m) return forbidden('media is addressed by numeric id only');
  const id = Number(m[1]);
  const row = s.store.getImage(id);
  if (!row) return notFound(`no image with id ${id}`);
  switch (kind) {
    case 'display': {
      const img = await decodedImage(s, id);
      return png(await encodeGrayPng(renderDisplay(img, displayOptions(query)), img.width, img.height));
    }
    case 'raw':
      return png(rawPng(await decodedImage(s, id)));
    case 'thumbnail': {
      // A versioned URL names one picture: a stale one (the id now holds another image) is refused.
      const v = query.get('v');
      if (v !== null && v !== thumbnailVersion(row.sha256))
        return notFound(`thumbnail version '${v}' of image ${id} is not its current one; reload the list`);
      const t = s.store.getThumbnail(id);
      return t ? { status: 200, mime: t.mime, body: t.data } : notFound(`image ${id} has no thumbnail`);
    }
    case 'mask': {
      const row = s.store.getMask(id, query.get('class') ?? undefined);
      return row ? png(row.png) : notFound('no mask');
    }
    case 'prediction': {
      const modelId = Number(parts[0]);
      if (parts.length !== 2 || !Number.isInteger(modelId))
        return forbidden('prediction/<model>/<image>.png');
      const mask = s.store.getPredictions(modelId, [id])[0]?.mask;
      return mask ? png(mask) : notFound('no predicted mask');
    }
    case 'uncertainty': {
      const modelId = Number(parts[0]);
      if (parts.length !== 2 || !Number.isInteger(modelId))
        return forbidden('uncertainty/<model>/<image>.png');
      const map = s.store.getPredictions(modelId, [id])[0]?.uncertainty;
      return map ? png(map) : notFound('no uncertainty map for this image and model');
    }
    default:
      return notFound(`unknown media kind '${kind}'`);
  }
}
