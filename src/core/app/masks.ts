/** Mask editing: whole maps to load, rectangle edits to commit (undo is an inverse edit). */
import { ConflictError, InvalidInputError } from '../errors.ts';
import { encodeGrayPng } from '../imaging/index.ts';
import type { Notifier } from './notify.ts';
import type { MaskMap, ProjectSession } from './session.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function b64(data: string, expected: number, what: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  if (bytes.length !== expected)
    throw new InvalidInputError(`${what}: ${bytes.length} bytes for a rectangle of ${expected} pixels`);
  return bytes;
}

function region(map: MaskMap, r: Rect) {
  const out = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++)
    out.set(
      map.data.subarray((r.y + y) * map.width + r.x, (r.y + y) * map.width + r.x + r.width),
      y * r.width,
    );
  return out;
}

function paste(map: MaskMap, r: Rect, src: Uint8Array) {
  for (let y = 0; y < r.height; y++)
    map.data.set(src.subarray(y * r.width, (y + 1) * r.width), (r.y + y) * map.width + r.x);
}

/** Masks are binary per class (the store reads any nonzero as inside): compare and store as 0/1. */
const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => (v !== 0) === (b[i] !== 0));
const binary = (a: Uint8Array) => a.map((v) => (v ? 1 : 0));

/** The whole map (PNG, base64) re-encoded from the normalised 0/1 map, so `before` bytes match. */
export async function getMask(s: ProjectSession, imageId: number, maskClass: string) {
  const map = await s.loadMask(imageId, maskClass);
  const stored = s.store.getMask(imageId, maskClass) !== null;
  const mask = stored
    ? {
        width: map.width,
        height: map.height,
        encoding: 'png' as const,
        data: (await encodeGrayPng(map.data, map.width, map.height)).toString('base64'),
      }
    : null;
  return { mask, width: map.width, height: map.height, version: map.version };
}

export interface MaskEdit {
  imageId: number;
  maskClass: string;
  rect: Rect;
  /** base64 raw bytes, rect.width × rect.height each. */
  before: string;
  after: string;
  tool: string;
  baseVersion?: number;
}

/**
 * Commits one edit (a brush stroke, a fill): `before` must match the stored map (else
 * ConflictError: another window changed it). Undo is the same call with `before` and `after`
 * swapped, which the renderer's history sends.
 */
export function saveMaskEdit(s: ProjectSession, n: Notifier, e: MaskEdit): Promise<{ version: number }> {
  const { imageId, maskClass, rect } = e;
  return s.serial(async () => {
    const map = await s.loadMask(imageId, maskClass);
    if (rect.x + rect.width > map.width || rect.y + rect.height > map.height)
      throw new InvalidInputError(
        `rectangle ${JSON.stringify(rect)} is outside the ${map.width}×${map.height} image`,
      );
    const size = rect.width * rect.height;
    const was = binary(b64(e.before, size, 'before'));
    const now = binary(b64(e.after, size, 'after'));
    if ((e.baseVersion !== undefined && e.baseVersion !== map.version) || !same(region(map, rect), was))
      throw new ConflictError(`mask of image ${imageId} changed since it was loaded; reload it`);
    paste(map, rect, now);
    const version = await s.commitMask(imageId, maskClass, map);
    n.maskChanged({ imageId, maskClass, version, rect });
    return { version };
  });
}
