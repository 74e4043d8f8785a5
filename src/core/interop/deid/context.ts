import { createHmac, randomBytes } from 'node:crypto';
import { uidFromKey } from '../uids.ts';

export interface Pseudonym {
  /** Replaces PatientName and PatientID, e.g. `ANON-0003`. */
  id: string;
  /** Days every date of this patient moves by (negative: into the past), the same for all. */
  dayShift: number;
}

/**
 * The state of one de-identified export: a fresh random secret, so pseudonyms, date shifts and
 * UIDs are consistent inside the export (same patient, same pseudonym and shift; same UID, same
 * replacement) but cannot be linked to the originals or to another export.
 */
export class DeidContext {
  readonly #secret: Buffer;
  readonly #patients = new Map<string, Pseudonym>();
  readonly #uids = new Map<string, string>();
  #files = 0;
  readonly #stems = new Map<string, string>();

  constructor(secret: Buffer = randomBytes(32)) {
    this.#secret = secret;
  }

  #mac(kind: string, value: string): Buffer {
    return createHmac('sha256', this.#secret).update(`${kind}\0${value}`).digest();
  }

  /** The pseudonym of a patient, keyed by the original patient ID (or a per-image key). */
  patient(key: string): Pseudonym {
    let p = this.#patients.get(key);
    if (!p) {
      // 1..3650 days back: wide enough that a shifted date does not reveal the true one.
      p = {
        id: `ANON-${String(this.#patients.size + 1).padStart(4, '0')}`,
        dayShift: -(1 + (this.#mac('date', key).readUInt32BE(0) % 3650)),
      };
      this.#patients.set(key, p);
    }
    return p;
  }

  /** The replacement of a UID: the same input always maps to the same output in this export. */
  uid(original: string): string {
    let u = this.#uids.get(original);
    if (!u) {
      u = uidFromKey(this.#mac('uid', original).toString('hex'));
      this.#uids.set(original, u);
    }
    return u;
  }

  /** A file name that says nothing about the original: `img-000001` and so on. */
  nextFileStem(prefix = 'img'): string {
    return `${prefix}-${String(++this.#files).padStart(6, '0')}`;
  }

  /** The neutral file stem of one thing (an image), the same every time it is asked for. */
  stemFor(key: string, prefix = 'img'): string {
    let s = this.#stems.get(key);
    if (!s) {
      s = this.nextFileStem(prefix);
      this.#stems.set(key, s);
    }
    return s;
  }

  summary(): { patients: number; uids: number; files: number } {
    return { patients: this.#patients.size, uids: this.#uids.size, files: this.#files };
  }
}

/** Shifts a DICOM DA (`YYYYMMDD`) or the date part of a DT by whole days; '' stays ''. */
export function shiftDate(value: string, days: number): string {
  const m = /^(\d{4})(\d{2})(\d{2})(.*)$/.exec(value.trim());
  if (!m) return '';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(d.getTime())) return '';
  d.setUTCDate(d.getUTCDate() + days);
  return `${d.toISOString().slice(0, 10).replace(/-/g, '')}${m[4]}`;
}
