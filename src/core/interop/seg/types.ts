import type { SourceHeader } from '../source-header.ts';
import type { Code } from './codes.ts';

/** DICOM Segmentation Storage. */
export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
/** What a PNG/JPEG source is referenced as (it has no SOP class of its own). */
export const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';

/** One binary segment of one source image: a mask class with its pixels (0/1, row-major). */
export interface SegSegment {
  label: string;
  category: Code;
  type: Code;
  algorithm: 'MANUAL' | 'SEMIAUTOMATIC' | 'AUTOMATIC';
  mask: Uint8Array;
}

/** The image a SEG is derived from: its header (UIDs, patient, study) and size. */
export interface SegSource {
  header: SourceHeader & { StudyInstanceUID: string; SeriesInstanceUID: string; SOPInstanceUID: string };
  rows: number;
  columns: number;
}

export interface SegIdentity {
  seriesInstanceUid: string;
  sopInstanceUid: string;
  /** ISO time the SEG content was created (ContentDate/Time, SeriesDate/Time). */
  createdAt: Date;
  creator?: string;
  softwareVersion: string;
}

/** A SEG read back: frames unpacked, each with the segment and the source instance it belongs to. */
export interface ParsedSeg {
  sopInstanceUid: string;
  studyInstanceUid: string;
  rows: number;
  columns: number;
  segments: Array<{ number: number; label: string; type?: Code }>;
  frames: Array<{ segment: number; sourceSopInstanceUid: string | null; mask: Uint8Array }>;
}
