import { readFileSync } from 'node:fs';
import { encodeGrayPng } from '../../imaging/index.ts';
import type { ImageRow, ProjectStore } from '../../store/types.ts';
import { generatedSourceUids } from '../uids.ts';
import { readSeg } from './read.ts';

export interface SegImportResult {
  /** One entry per mask written. */
  imported: Array<{ file: string; imageId: number; maskClass: string }>;
  classesAdded: string[];
  failed: Array<{ file: string; reason: string }>;
}

/** Every image by the SOP Instance UID it has or that a SEG export generated for it. */
function imagesBySop(store: ProjectStore): Map<string, ImageRow> {
  const out = new Map<string, ImageRow>();
  for (const img of store.listImages().items) {
    const sop = (img.meta as { sopInstanceUid?: string }).sopInstanceUid;
    out.set(sop ?? generatedSourceUids(img.sha256).sop, img);
  }
  return out;
}

/**
 * Reads binary DICOM SEG files back as masks: each segment becomes the mask class of its label
 * (added to the schema if missing), on the project image whose SOP Instance UID its frame
 * references. Frames of one segment on one image are merged (union). A file that cannot be
 * used is reported with the reason and changes nothing; the masks of one file commit together.
 */
export async function importSeg(
  store: ProjectStore,
  files: string[],
  o: { author: string },
): Promise<SegImportResult> {
  const result: SegImportResult = { imported: [], classesAdded: [], failed: [] };
  const bySop = imagesBySop(store);
  for (const file of files) {
    try {
      const seg = readSeg(readFileSync(file), file);
      const merged = new Map<string, { img: ImageRow; label: string; mask: Uint8Array }>();
      for (const f of seg.frames) {
        const img = f.sourceSopInstanceUid ? bySop.get(f.sourceSopInstanceUid) : undefined;
        if (!img)
          throw new Error(
            `references image ${f.sourceSopInstanceUid ?? '(none)'}, which is not in the project`,
          );
        if (img.width !== seg.columns || img.height !== seg.rows) {
          throw new Error(`is ${seg.columns}×${seg.rows}, image ${img.id} is ${img.width}×${img.height}`);
        }
        const label = seg.segments.find((s) => s.number === f.segment)?.label || `segment_${f.segment}`;
        const key = `${img.id}\0${label}`;
        const m = merged.get(key);
        if (m) for (let i = 0; i < f.mask.length; i++) m.mask[i] |= f.mask[i];
        else merged.set(key, { img, label, mask: f.mask.slice() });
      }
      const pngs: Array<{ img: ImageRow; label: string; png: Buffer }> = [];
      for (const m of merged.values()) {
        const gray = new Uint8Array(m.mask.length);
        for (let i = 0; i < gray.length; i++) gray[i] = m.mask[i] ? 255 : 0;
        pngs.push({ img: m.img, label: m.label, png: await encodeGrayPng(gray, m.img.width, m.img.height) });
      }
      store.transaction(() => {
        const known = new Set(store.listClasses('mask').map((c) => c.name));
        for (const m of pngs) {
          if (!known.has(m.label)) {
            store.addClass(m.label, 'mask');
            known.add(m.label);
            result.classesAdded.push(m.label);
          }
          store.setMask({
            imageId: m.img.id,
            maskClass: m.label,
            png: m.png,
            author: o.author,
            source: 'import',
          });
          result.imported.push({ file, imageId: m.img.id, maskClass: m.label });
        }
      });
    } catch (e) {
      const msg = (e as Error).message;
      result.failed.push({ file, reason: msg.startsWith(file) ? msg.slice(file.length + 2) : msg });
    }
  }
  return result;
}
