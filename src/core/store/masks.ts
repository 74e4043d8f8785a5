import { InvalidInputError, NotFoundError } from '../errors.ts';
import { MASK_TASK, requireClass } from './classes.ts';
import type { Statements } from './db.ts';
import { now } from './db.ts';
import {
  type AnnotationSource,
  DEFAULT_MASK_CLASS,
  type MaskEvent,
  type MaskRow,
  type MaskWrite,
} from './types.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (b.length < 24 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR') {
    throw new InvalidInputError('mask is not a PNG');
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function imageSize(st: Statements, imageId: number): { width: number; height: number } {
  const r = st.get('SELECT width, height FROM images WHERE id = ?').get(imageId) as
    | { width: number; height: number }
    | undefined;
  if (!r) throw new NotFoundError(`no image with id ${imageId}`);
  return r;
}

/** Masks are stored at the image's own size, so they can be exported and overlaid 1:1. */
export function setMask(st: Statements, w: MaskWrite): MaskRow {
  const name = w.maskClass ?? DEFAULT_MASK_CLASS;
  const size = pngSize(w.png);
  const img = imageSize(st, w.imageId);
  if (size.width !== img.width || size.height !== img.height) {
    throw new InvalidInputError(
      `mask is ${size.width}×${size.height} but image ${w.imageId} is ${img.width}×${img.height}`,
    );
  }
  const cls = requireClass(st, name, 'mask', MASK_TASK);
  const png = Buffer.from(w.png.buffer, w.png.byteOffset, w.png.byteLength);
  const at = now();
  st.get(
    `INSERT INTO masks (image_id, class_id, png, width, height, author, source, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (image_id, class_id) DO UPDATE SET png = excluded.png, width = excluded.width,
       height = excluded.height, author = excluded.author, source = excluded.source, updated_at = excluded.updated_at`,
  ).run(w.imageId, cls.id, png, size.width, size.height, w.author, w.source, at);
  st.get(
    `INSERT INTO mask_events (image_id, class_id, png, author, source, duration_ms, at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(w.imageId, cls.id, png, w.author, w.source, w.durationMs ?? null, at);
  return {
    imageId: w.imageId,
    maskClass: cls.name,
    png,
    ...size,
    author: w.author,
    source: w.source,
    updatedAt: at,
  };
}

export function clearMask(
  st: Statements,
  imageId: number,
  author: string,
  maskClass = DEFAULT_MASK_CLASS,
  source: AnnotationSource = 'human',
): void {
  const cls = requireClass(st, maskClass, 'mask', MASK_TASK);
  const info = st.get('DELETE FROM masks WHERE image_id = ? AND class_id = ?').run(imageId, cls.id);
  if (info.changes === 0) return;
  st.get(
    'INSERT INTO mask_events (image_id, class_id, png, author, source, at) VALUES (?, ?, NULL, ?, ?, ?)',
  ).run(imageId, cls.id, author, source, now());
}

const SELECT_MASK = `SELECT m.image_id AS imageId, c.name AS maskClass, m.width, m.height, m.author, m.source,
  m.updated_at AS updatedAt`;

export function getMask(st: Statements, imageId: number, maskClass = DEFAULT_MASK_CLASS): MaskRow | null {
  return (
    (st
      .get(`${SELECT_MASK}, m.png FROM masks m JOIN classes c ON c.id = m.class_id
            WHERE m.image_id = ? AND c.name = ? AND c.kind = 'mask'`)
      .get(imageId, maskClass) as MaskRow | undefined) ?? null
  );
}

export function listMasks(st: Statements, maskClass?: string): Array<Omit<MaskRow, 'png'>> {
  const rows = st
    .get(`${SELECT_MASK} FROM masks m JOIN classes c ON c.id = m.class_id ORDER BY m.image_id, c.name`)
    .all() as Array<Omit<MaskRow, 'png'>>;
  return maskClass ? rows.filter((r) => r.maskClass === maskClass) : rows;
}

export function getMaskHistory(st: Statements, imageId: number, maskClass = DEFAULT_MASK_CLASS): MaskEvent[] {
  return st
    .get(
      `SELECT e.id, e.image_id AS imageId, c.name AS maskClass, e.png, e.author, e.source,
         e.duration_ms AS durationMs, e.at
       FROM mask_events e JOIN classes c ON c.id = e.class_id
       WHERE e.image_id = ? AND c.name = ? AND c.kind = 'mask' ORDER BY e.id`,
    )
    .all(imageId, maskClass) as MaskEvent[];
}
