import { readFileSync } from 'node:fs';
import { parseDataset } from '../imaging/dicom/parse.ts';
import { sniff } from '../imaging/sniff.ts';

/**
 * The source image's Patient, General Study, General Series and identity attributes that a
 * derived object (a SEG) copies, keyed by DICOM keyword. Values are cleaned to what their VR
 * allows (old `1995.07.20` dates become `19950720`, over-long strings are cut), so a writer never
 * fails on a legacy header.
 */
export type SourceHeader = Partial<Record<HeaderKeyword, string>>;

/** keyword → [tag as dicom-parser names it, VR]. */
export const HEADER_TAGS = {
  PatientName: ['x00100010', 'PN'],
  PatientID: ['x00100020', 'LO'],
  IssuerOfPatientID: ['x00100021', 'LO'],
  PatientBirthDate: ['x00100030', 'DA'],
  PatientSex: ['x00100040', 'CS'],
  PatientAge: ['x00101010', 'AS'],
  StudyInstanceUID: ['x0020000d', 'UI'],
  StudyDate: ['x00080020', 'DA'],
  StudyTime: ['x00080030', 'TM'],
  StudyID: ['x00200010', 'SH'],
  AccessionNumber: ['x00080050', 'SH'],
  ReferringPhysicianName: ['x00080090', 'PN'],
  StudyDescription: ['x00081030', 'LO'],
  SeriesInstanceUID: ['x0020000e', 'UI'],
  SOPInstanceUID: ['x00080018', 'UI'],
  SOPClassUID: ['x00080016', 'UI'],
  FrameOfReferenceUID: ['x00200052', 'UI'],
  Modality: ['x00080060', 'CS'],
  BodyPartExamined: ['x00180015', 'CS'],
  InstitutionName: ['x00080080', 'LO'],
} as const;
export type HeaderKeyword = keyof typeof HEADER_TAGS;

const MAX_LEN: Record<string, number> = { PN: 64, LO: 64, SH: 16, CS: 16, AS: 4, UI: 64, TM: 16 };

/** A value made valid for its VR, or undefined when nothing valid is left. */
export function cleanValue(vr: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let v = raw.replace(/\0/g, '').trim();
  if (vr === 'DA') v = v.replace(/[^0-9]/g, '');
  if (vr === 'DA' && v.length !== 8) return undefined;
  if (vr === 'UI' && !/^[0-9]+(\.[0-9]+)*$/.test(v)) return undefined;
  if (vr === 'TM') v = v.replace(/[^0-9.]/g, '');
  if (vr === 'AS' && !/^\d{3}[DWMY]$/.test(v)) return undefined;
  if (vr === 'CS') v = v.toUpperCase().replace(/[^A-Z0-9 _]/g, '_');
  v = v.slice(0, MAX_LEN[vr] ?? 64).trim();
  return v === '' ? undefined : v;
}

/** Reads the header of a DICOM file (any syntax the importer reads), stopping before Pixel Data. */
export function readSourceHeader(file: string, bytes: Uint8Array = readFileSync(file)): SourceHeader {
  const { ds } = parseDataset(bytes, file, sniff(bytes, file), 'x7fe00010');
  const out: SourceHeader = {};
  for (const [k, [tag, vr]] of Object.entries(HEADER_TAGS) as Array<
    [HeaderKeyword, readonly [string, string]]
  >) {
    const v = cleanValue(vr, ds.string(tag));
    if (v !== undefined) out[k] = v;
  }
  return out;
}
