import { z } from 'zod';

const Aet = z
  .string()
  .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, 'AE title: 1–16 printable characters, no backslash');

/** A PACS to talk to; `callingAet` defaults to the project's AE title (settings, else SPCXR). */
export const PacsPeerParams = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  calledAet: Aet,
  callingAet: Aet.optional(),
});
export const PacsEchoResult = z.object({ ms: z.number() });

export const PacsFindParams = PacsPeerParams.extend({
  patientId: z.string().optional(),
  /** YYYYMMDD, YYYYMMDD-YYYYMMDD, -YYYYMMDD or YYYYMMDD- (ISO dates accepted). */
  studyDate: z.string().optional(),
  modality: z.string().optional(),
  bodyPart: z.string().optional(),
});
export const StudyHit = z.object({
  studyInstanceUid: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  studyDate: z.string(),
  modalities: z.array(z.string()),
  description: z.string(),
  accessionNumber: z.string(),
  instances: z.number().nullable(),
});
export const PacsFindResult = z.object({ studies: z.array(StudyHit) });

/** Retrieve (C-GET) into the open project as a job: progress per instance, cancellable. */
export const PacsRetrieveParams = PacsPeerParams.extend({
  studyUids: z
    .array(z.string().regex(/^[0-9.]{1,64}$/))
    .min(1)
    .max(1000),
});
