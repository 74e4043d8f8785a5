import dcmjs from 'dcmjs';
import { isStandardUid } from '../uids.ts';
import { type DeidContext, type Pseudonym, shiftDate } from './context.ts';
import { DEID_METHOD_CODES, PROFILE } from './profile.ts';

type Dataset = Record<string, unknown>;
const { nameMap } = dcmjs.data.DicomMetaDictionary;
const FREE_TEXT = new Set(['LT', 'ST', 'UT']);

function vrOf(ds: Dataset, key: string): string | undefined {
  return (ds._vrMap as Record<string, string> | undefined)?.[key] ?? nameMap[key]?.vr;
}

const isPrivate = (key: string) =>
  /^[0-9A-Fa-f]{8}$/.test(key) && Number.parseInt(key.slice(0, 4), 16) % 2 === 1;
const map = (v: unknown, f: (s: string) => string) =>
  Array.isArray(v) ? v.map((x) => f(String(x))) : f(String(v));

function clean(ds: Dataset, ctx: DeidContext, p: Pseudonym): void {
  for (const key of Object.keys(ds)) {
    if (key === '_vrMap' || key === '_meta') continue;
    const v = ds[key];
    const action = PROFILE[key];
    const vr = vrOf(ds, key);
    if (isPrivate(key) || action === 'X' || /^[0-9A-Fa-f]{8}$/.test(key)) {
      // Private tags, listed attributes, and unknown public tags (nothing says they are safe).
      delete ds[key];
    } else if (action === 'Z') {
      ds[key] = vr === 'PN' || vr === 'SQ' ? [] : '';
    } else if (action === 'D') {
      ds[key] = vr === 'PN' ? [{ Alphabetic: p.id }] : p.id;
    } else if (vr === 'SQ') {
      for (const item of Array.isArray(v) ? v : [v])
        if (item && typeof item === 'object') clean(item as Dataset, ctx, p);
    } else if (vr === 'UI') {
      ds[key] = map(v, (u) => (u === '' || isStandardUid(u) ? u : ctx.uid(u)));
    } else if (vr === 'DA' || vr === 'DT') {
      ds[key] = map(v, (d) => shiftDate(d, p.dayShift));
    } else if (vr === 'PN' || (vr && FREE_TEXT.has(vr))) {
      delete ds[key];
    }
  }
}

/**
 * De-identifies a dcmjs naturalized dataset in place following PS3.15's Basic Application Level
 * Confidentiality Profile with the Retain Longitudinal Temporal Information Modified Dates option:
 * patient name and ID become the pseudonym, the listed attributes are emptied or removed, dates
 * move by the patient's shift, non-standard UIDs are remapped consistently through `ctx`, and
 * private tags, person names and free text are removed wherever they are (sequences included).
 */
export function deidentifyDataset(ds: Dataset, ctx: DeidContext, patient: Pseudonym): Dataset {
  clean(ds, ctx, patient);
  ds.PatientIdentityRemoved = 'YES';
  ds.LongitudinalTemporalInformationModified = 'MODIFIED';
  ds.DeidentificationMethod = 'PS3.15 E.1 Basic Profile; dates shifted per patient';
  ds.DeidentificationMethodCodeSequence = DEID_METHOD_CODES.map((c) => ({ ...c }));
  return ds;
}
