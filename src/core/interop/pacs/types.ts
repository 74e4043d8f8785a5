import { z } from 'zod';

/** A DICOM peer (a PACS): where to connect and with which AE titles. */
export interface PacsPeer {
  host: string;
  port: number;
  /** The PACS's AE title (called AE). */
  calledAet: string;
  /** This app's AE title (calling AE); the PACS must know it for find and retrieve. */
  callingAet: string;
}

/** Study-level query keys; empty keys are returned, set keys match (DICOM PS3.4 C.2.2). */
export interface StudyQuery {
  patientId?: string;
  /** `YYYYMMDD`, `YYYYMMDD-YYYYMMDD`, `-YYYYMMDD` or `YYYYMMDD-`. */
  studyDate?: string;
  /** Matched against ModalitiesInStudy, e.g. `CR` or `DX`. */
  modality?: string;
  /** Matched against BodyPartExamined (sent at study level; PACSs that ignore it return all). */
  bodyPart?: string;
}

export interface StudyHit {
  studyInstanceUid: string;
  patientId: string;
  patientName: string;
  studyDate: string;
  modalities: string[];
  description: string;
  accessionNumber: string;
  instances: number | null;
}

export interface RetrieveProgress {
  received: number;
  /** Instances the PACS says are still to come (null until it says). */
  remaining: number | null;
  failed: number;
}

/** A PACS conversation that failed; the message says what the user can do about it. */
export class PacsError extends Error {
  constructor(
    message: string,
    readonly code: 'connect' | 'rejected' | 'refused' | 'dropped' | 'timeout' | 'cancelled' | 'bad_request',
  ) {
    super(message);
    this.name = 'PacsError';
  }
}

/** Project settings for the receiver and the default PACS (`interop.dicom`). */
export const DicomSettings = z.object({
  /** This app's AE title, used as calling AE and by the receiver. */
  aet: z
    .string()
    .regex(/^[\x20-\x7e]{1,16}$/)
    .default('SPCXR'),
  receiver: z
    .object({
      /** Off unless the user starts it (`spcxr receive`). */
      port: z.number().int().min(1).max(65535).default(11112),
      /** Loopback unless the user chooses otherwise. */
      host: z.string().default('127.0.0.1'),
      /** Calling AE titles allowed to send; empty = any. */
      allowedAets: z.array(z.string()).default([]),
    })
    .default({ port: 11112, host: '127.0.0.1', allowedAets: [] }),
  pacs: z
    .object({ host: z.string(), port: z.number().int().min(1).max(65535), calledAet: z.string() })
    .optional(),
});
export type DicomSettings = z.infer<typeof DicomSettings>;

export function validateAet(aet: string, what: string): string {
  if (!/^[\x20-\x7e]{1,16}$/.test(aet) || aet.includes('\\') || !aet.trim())
    throw new PacsError(
      `${what} '${aet}' is not a valid AE title (1–16 printable characters, no backslash)`,
      'bad_request',
    );
  return aet.trim();
}

/** DICOM date range for C-FIND: `YYYYMMDD`, `A-B`, `-B`, `A-` (dashes in ISO dates are accepted). */
export function normaliseDateRange(r: string): string {
  const v = r.trim().replace(/(\d{4})-(\d{2})-(\d{2})/g, '$1$2$3');
  if (!/^(\d{8})?(-(\d{8})?)?$/.test(v) || v === '-' || v === '')
    throw new PacsError(
      `study date '${r}' is not a date or range (YYYYMMDD, YYYYMMDD-YYYYMMDD, -YYYYMMDD, YYYYMMDD-)`,
      'bad_request',
    );
  return v;
}
