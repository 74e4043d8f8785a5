import { createHash } from 'node:crypto';
import path from 'node:path';
import { csvRow } from '../../import/csv.ts';
import type { ImageRow, ProjectStore } from '../../store/types.ts';
import { DeidContext } from '../deid/context.ts';
import { deidentifyDataset } from '../deid/deidentify.ts';
import { writePart10 } from '../dicom-file.ts';
import { imageIdentity } from '../identity.ts';
import { loadMask, masksByImage } from '../masks.ts';
import { imageStem } from '../naming.ts';
import { exportWriter } from '../out.ts';
import { uidFromKey } from '../uids.ts';
import { buildSeg } from './build.ts';
import { codesForClass } from './codes.ts';
import type { SegSegment } from './types.ts';

export interface SegExportOptions {
  /** De-identify (PS3.15 basic profile); pass a shared context to keep pseudonyms consistent. */
  deid?: DeidContext | boolean;
  softwareVersion?: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  now?: Date;
}

export interface SegExportResult {
  dir: string;
  files: Array<{ file: string; imageId: number; segments: string[]; referencedSopInstanceUid: string }>;
  failed: Array<{ file: string; reason: string }>;
  warnings: string[];
  deidentified: boolean;
}

const ALGORITHM = { human: 'MANUAL', accepted_suggestion: 'SEMIAUTOMATIC', import: 'MANUAL' } as const;

/**
 * One binary DICOM SEG per image that has masks (one segment per mask class, in schema order),
 * plus `seg.csv` indexing them. The SEG's own series and instance UIDs are derived from the
 * source instance and the masks' content, so re-exporting unchanged masks gives the same UIDs
 * and an edited mask a new instance.
 */
export async function exportSeg(
  store: ProjectStore,
  outDir: string,
  o: SegExportOptions = {},
): Promise<SegExportResult> {
  const ctx = o.deid === true ? new DeidContext() : o.deid || undefined;
  const out = exportWriter(store);
  out.mkdir(outDir);
  const byImage = masksByImage(store);
  const result: SegExportResult = {
    dir: path.resolve(outDir),
    files: [],
    failed: [],
    warnings: [],
    deidentified: !!ctx,
  };
  const index = [
    csvRow(['file', 'image_id', 'segments', 'referenced_sop_instance_uid', 'seg_sop_instance_uid']),
  ];
  let done = 0;
  for (const [imageId, masks] of byImage) {
    if (o.signal?.aborted) throw new Error('export cancelled');
    const img = store.getImage(imageId) as ImageRow;
    const stem = imageStem(img, ctx);
    const file = path.join(outDir, `${stem}.dcm`);
    try {
      const id = imageIdentity(store, img);
      result.warnings.push(...id.warnings);
      const segments: SegSegment[] = [];
      const contentKey: string[] = [];
      for (const m of masks) {
        const mask = await loadMask(store, img, m.maskClass);
        segments.push({
          label: m.maskClass,
          ...codesForClass(m.maskClass),
          algorithm: ALGORITHM[m.source],
          mask,
        });
        contentKey.push(m.maskClass, createHash('sha256').update(mask).digest('hex'));
      }
      const key = `${id.header.SOPInstanceUID}\0${contentKey.join('\0')}`;
      const ds = buildSeg({ header: id.header, rows: img.height, columns: img.width }, segments, {
        seriesInstanceUid: uidFromKey(`spcxr:seg-series:${id.header.SeriesInstanceUID}`),
        sopInstanceUid: uidFromKey(`spcxr:seg:${key}`),
        createdAt: o.now ?? new Date(),
        creator: ctx ? undefined : masks[0].author,
        softwareVersion: o.softwareVersion ?? '0',
      });
      if (ctx) {
        deidentifyDataset(ds, ctx, ctx.patient(id.patientKey));
        // Enhanced General Equipment is Type 1 and describes this app, not the patient's site.
        ds.DeviceSerialNumber = '1';
      }
      out.write(file, writePart10(ds));
      const refSop = String(
        (
          ds.ReferencedSeriesSequence as Array<{
            ReferencedInstanceSequence: Array<{ ReferencedSOPInstanceUID: string }>;
          }>
        )[0].ReferencedInstanceSequence[0].ReferencedSOPInstanceUID,
      );
      const entry = {
        file: path.resolve(file),
        imageId: img.id,
        segments: masks.map((m) => m.maskClass),
        referencedSopInstanceUid: refSop,
      };
      result.files.push(entry);
      index.push(
        csvRow([
          path.basename(file),
          ctx ? '' : img.id,
          entry.segments.join(';'),
          refSop,
          String(ds.SOPInstanceUID),
        ]),
      );
    } catch (e) {
      result.failed.push({ file: img.originalPath, reason: (e as Error).message });
    }
    o.onProgress?.(++done, byImage.size);
  }
  out.write(path.join(outDir, 'seg.csv'), `${index.join('\n')}\n`);
  return result;
}
