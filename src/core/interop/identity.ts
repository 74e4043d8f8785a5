import { existsSync } from 'node:fs';
import type { ImageRow, ProjectStore } from '../store/types.ts';
import { SECONDARY_CAPTURE } from './seg/types.ts';
import { readSourceHeader, type SourceHeader } from './source-header.ts';
import { generatedSourceUids } from './uids.ts';

/**
 * Groups an image's exports under one patient for pseudonyms and date shifts: the project's
 * patient ID (manifest or DICOM), else the image itself.
 */
export function patientKeyOf(img: ImageRow): string {
  const pid = img.patientId ?? (img.meta as { patientId?: string }).patientId;
  return pid ? `patient:${pid}` : `image:${img.sha256}`;
}

/** What an export needs to know about where an image came from, and whose it is. */
export interface ImageIdentity {
  header: SourceHeader & { StudyInstanceUID: string; SeriesInstanceUID: string; SOPInstanceUID: string };
  /** Groups images of one patient for pseudonyms and date shifts. */
  patientKey: string;
  /** True when the UIDs were generated for a PNG/JPEG (or a DICOM without them). */
  generatedUids: boolean;
  warnings: string[];
}

/**
 * The header of an image's DICOM source when the file is still readable, else the fields the
 * import kept in `meta`. Missing UIDs (PNG/JPEG sources) come from `generatedSourceUids`.
 */
export function imageIdentity(store: ProjectStore, img: ImageRow): ImageIdentity {
  const warnings: string[] = [];
  const meta = img.meta as Record<string, string | undefined>;
  let h: SourceHeader = {};
  if (img.format === 'dicom') {
    const file = store.imagePath(img);
    if (existsSync(file)) {
      try {
        h = readSourceHeader(file);
      } catch (e) {
        warnings.push(
          `${img.originalPath}: header not readable (${(e as Error).message}); using the imported fields`,
        );
      }
    } else warnings.push(`${img.originalPath}: source file missing; using the imported fields`);
  }
  const gen = generatedSourceUids(img.sha256);
  const study = h.StudyInstanceUID ?? meta.studyInstanceUid;
  const series = h.SeriesInstanceUID ?? meta.seriesInstanceUid;
  const sop = h.SOPInstanceUID ?? meta.sopInstanceUid;
  const generatedUids = !(study && series && sop);
  return {
    header: {
      ...h,
      PatientID: h.PatientID ?? img.patientId ?? undefined,
      Modality: h.Modality ?? meta.modality,
      SOPClassUID: h.SOPClassUID ?? meta.sopClassUid ?? SECONDARY_CAPTURE,
      StudyInstanceUID: study ?? gen.study,
      SeriesInstanceUID: series ?? gen.series,
      SOPInstanceUID: sop ?? gen.sop,
    },
    patientKey: patientKeyOf(img),
    generatedUids,
    warnings,
  };
}
