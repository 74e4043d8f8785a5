/**
 * Warnings an import raises about images it did take in: not a chest radiograph (by DICOM
 * modality or body part), multi-frame, the decoder's own warnings, and the same SOP instance
 * stored twice under different bytes (which could put one acquisition in train and validation).
 */
import type { ImportWarning } from './types.ts';

/** Radiography modalities; anything else (CT, MR, NM, PT, US, MG...) is not a chest X-ray. */
const RADIOGRAPHY = new Set(['CR', 'DX', 'RG', 'DR', 'OT', 'SC', 'XC']);
const CHEST = /CHEST|THORAX|LUNG|TORSO|ECHEST/i;

interface Meta {
  modality?: string;
  bodyPart?: string;
  numberOfFrames?: number;
  sopInstanceUid?: string;
  warnings?: string[];
}

/** Warnings from the stored metadata of one image (what `prepare` put into `images.meta`). */
export function imageWarnings(file: string, meta: Meta): ImportWarning[] {
  const out: ImportWarning[] = [];
  const mod = meta.modality?.trim().toUpperCase();
  if (mod && !RADIOGRAPHY.has(mod))
    out.push({
      file,
      kind: 'non-chest',
      message: `modality ${mod}: not a radiograph; the model expects chest X-rays`,
    });
  else if (meta.bodyPart?.trim() && !CHEST.test(meta.bodyPart))
    out.push({ file, kind: 'non-chest', message: `body part ${meta.bodyPart.trim()}: not a chest` });
  if ((meta.numberOfFrames ?? 1) > 1)
    out.push({ file, kind: 'multi-frame', message: `${meta.numberOfFrames} frames: only frame 1 is used` });
  for (const w of meta.warnings ?? []) {
    if (/multi-frame/i.test(w) && (meta.numberOfFrames ?? 1) > 1) continue;
    out.push({ file, kind: 'decode', message: w });
  }
  return out;
}

/**
 * Why an image is kept out of lung-mask work (the mask queue and stored mask predictions), or
 * null: not a chest radiograph, or one frame of a multi-frame object. It stays in the project.
 */
export function lungMaskUnfit(meta: Meta): string | null {
  const w = imageWarnings('', meta).find((x) => x.kind === 'non-chest' || x.kind === 'multi-frame');
  return w ? w.message : null;
}

/** SOP Instance UID → first image holding it, filled lazily from the project once per import. */
export class SopIndex {
  private map: Map<string, { id: number; file: string }> | null = null;

  constructor(private readonly load: () => Array<{ id: number; file: string; sop: string | undefined }>) {}

  /** Records the image and returns the earlier image with the same UID, if any. */
  check(sop: string | undefined, id: number, file: string): { id: number; file: string } | null {
    if (!sop) return null;
    if (!this.map) {
      this.map = new Map();
      for (const r of this.load()) if (r.sop && r.id !== id && !this.map.has(r.sop)) this.map.set(r.sop, r);
    }
    const prev = this.map.get(sop);
    if (prev && prev.id !== id) return prev;
    this.map.set(sop, { id, file });
    return null;
  }
}
