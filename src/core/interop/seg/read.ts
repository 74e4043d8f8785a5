import { readPart10 } from '../dicom-file.ts';
import { unpackBits } from './bits.ts';
import type { Code } from './codes.ts';
import { type ParsedSeg, SEG_SOP_CLASS } from './types.ts';

type Item = Record<string, unknown>;
const items = (v: unknown): Item[] => (Array.isArray(v) ? (v as Item[]) : v ? [v as Item] : []);
const first = (v: unknown): Item | undefined => items(v)[0];
const num = (v: unknown): number => Number(Array.isArray(v) ? v[0] : v);
const str = (v: unknown): string => String(Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** Thrown for a file that is not a SEG this app can read; the message names the file. */
export class SegReadError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'SegReadError';
  }
}

function sourceOf(group: Item | undefined): string | null {
  const deriv = first(group?.DerivationImageSequence);
  const src = first(deriv?.SourceImageSequence);
  return src ? str(src.ReferencedSOPInstanceUID) : null;
}

/** Parses a binary DICOM SEG: its segments and unpacked frames, each tied to its source image. */
export function readSeg(bytes: Uint8Array, file: string): ParsedSeg {
  let ds: Item;
  try {
    ds = readPart10(bytes);
  } catch (e) {
    throw new SegReadError(file, `not a readable DICOM file (${(e as Error).message})`);
  }
  if (str(ds.SOPClassUID) !== SEG_SOP_CLASS) {
    throw new SegReadError(file, `not a DICOM Segmentation (SOP Class ${str(ds.SOPClassUID) || 'missing'})`);
  }
  const type = str(ds.SegmentationType);
  if (type !== 'BINARY')
    throw new SegReadError(file, `${type || 'unknown'} segmentations are not supported, only BINARY`);
  const rows = num(ds.Rows);
  const columns = num(ds.Columns);
  const nFrames = num(ds.NumberOfFrames ?? 1);
  if (!(rows > 0 && columns > 0 && nFrames > 0))
    throw new SegReadError(file, 'missing Rows, Columns or NumberOfFrames');
  const pixel = items(ds.PixelData)[0] as unknown as ArrayBuffer | undefined;
  if (!pixel) throw new SegReadError(file, 'no Pixel Data');
  let masks: Uint8Array[];
  try {
    masks = unpackBits(new Uint8Array(pixel), rows * columns, nFrames);
  } catch (e) {
    throw new SegReadError(file, (e as Error).message);
  }
  const shared = first(ds.SharedFunctionalGroupsSequence);
  const perFrame = items(ds.PerFrameFunctionalGroupsSequence);
  const refs = items(first(ds.ReferencedSeriesSequence)?.ReferencedInstanceSequence);
  const onlyRef = refs.length === 1 ? str(refs[0].ReferencedSOPInstanceUID) : null;
  const segments = items(ds.SegmentSequence).map((s) => ({
    number: num(s.SegmentNumber),
    label: str(s.SegmentLabel),
    type: first(s.SegmentedPropertyTypeCodeSequence) as Code | undefined,
  }));
  const frames = masks.map((mask, i) => {
    const g = perFrame[i];
    const segNo = num(
      first(g?.SegmentIdentificationSequence)?.ReferencedSegmentNumber ??
        first(shared?.SegmentIdentificationSequence)?.ReferencedSegmentNumber,
    );
    if (!segments.some((s) => s.number === segNo))
      throw new SegReadError(file, `frame ${i + 1} references no known segment`);
    return { segment: segNo, sourceSopInstanceUid: sourceOf(g) ?? sourceOf(shared) ?? onlyRef, mask };
  });
  return {
    sopInstanceUid: str(ds.SOPInstanceUID),
    studyInstanceUid: str(ds.StudyInstanceUID),
    rows,
    columns,
    segments,
    frames,
  };
}
