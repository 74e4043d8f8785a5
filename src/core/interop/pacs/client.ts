import { mkdirSync } from 'node:fs';
import path from 'node:path';
import dimse from 'dcmjs-dimse';
import { DATASET_OPTIONS, runAssociation } from './association.ts';
import {
  normaliseDateRange,
  PacsError,
  type PacsPeer,
  type RetrieveProgress,
  type StudyHit,
  type StudyQuery,
  validateAet,
} from './types.ts';

const { CEchoRequest, CFindRequest, CGetRequest } = dimse.requests;
const { CStoreResponse } = dimse.responses;
const { Status } = dimse.constants;
const PENDING = new Set([0xff00, 0xff01]);
const CANCELLED = 0xfe00;

function checkPeer(peer: PacsPeer): PacsPeer {
  if (!peer.host) throw new PacsError('no PACS host given', 'bad_request');
  if (!Number.isInteger(peer.port) || peer.port < 1 || peer.port > 65535)
    throw new PacsError(`PACS port '${peer.port}' is not a port number`, 'bad_request');
  return {
    ...peer,
    calledAet: validateAet(peer.calledAet, 'called AE'),
    callingAet: validateAet(peer.callingAet, 'calling AE'),
  };
}

const statusText = (s: number) => `0x${s.toString(16).padStart(4, '0')}`;

/** C-ECHO: resolves with the round trip in ms, or throws a PacsError saying why not. */
export async function echo(peerIn: PacsPeer, o: { timeoutMs?: number } = {}): Promise<{ ms: number }> {
  const peer = checkPeer(peerIn);
  const t0 = performance.now();
  const req = new CEchoRequest();
  let status: number | undefined;
  req.on('response', (r: { getStatus(): number }) => {
    status = r.getStatus();
  });
  await runAssociation(peer, [req], { ...o, finished: () => status !== undefined });
  if (status !== Status.Success)
    throw new PacsError(`C-ECHO to ${peer.calledAet} answered status ${statusText(status ?? -1)}`, 'refused');
  return { ms: Math.round(performance.now() - t0) };
}

const str = (v: unknown): string => {
  if (Array.isArray(v))
    return v
      .map((x) =>
        x && typeof x === 'object' ? String((x as { Alphabetic?: string }).Alphabetic ?? '') : String(x),
      )
      .join('\\');
  return v === undefined || v === null ? '' : String(v);
};

/** C-FIND at study level (Study Root). */
export async function findStudies(
  peerIn: PacsPeer,
  q: StudyQuery,
  o: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<StudyHit[]> {
  const peer = checkPeer(peerIn);
  const keys: Record<string, unknown> = {
    StudyInstanceUID: '',
    PatientID: q.patientId ?? '',
    PatientName: '',
    StudyDate: q.studyDate ? normaliseDateRange(q.studyDate) : '',
    StudyTime: '',
    AccessionNumber: '',
    StudyDescription: '',
    ModalitiesInStudy: q.modality ?? '',
    NumberOfStudyRelatedInstances: '',
  };
  if (q.bodyPart) keys.BodyPartExamined = q.bodyPart;
  const req = CFindRequest.createStudyFindRequest(keys);
  const hits: StudyHit[] = [];
  let final: number | undefined;
  req.on(
    'response',
    (r: {
      getStatus(): number;
      hasDataset(): boolean;
      getDataset(): { getElements(): Record<string, unknown> };
    }) => {
      const s = r.getStatus();
      if (PENDING.has(s)) {
        if (!r.hasDataset()) return;
        const e = r.getDataset().getElements();
        const n = Number(str(e.NumberOfStudyRelatedInstances));
        hits.push({
          studyInstanceUid: str(e.StudyInstanceUID),
          patientId: str(e.PatientID),
          patientName: str(e.PatientName),
          studyDate: str(e.StudyDate),
          modalities: str(e.ModalitiesInStudy).split('\\').filter(Boolean),
          description: str(e.StudyDescription),
          accessionNumber: str(e.AccessionNumber),
          instances: Number.isFinite(n) && str(e.NumberOfStudyRelatedInstances) !== '' ? n : null,
        });
      } else final = s;
    },
  );
  await runAssociation(peer, [req], { ...o, finished: () => final !== undefined });
  if (final === CANCELLED) throw new PacsError('cancelled', 'cancelled');
  if (final !== Status.Success)
    throw new PacsError(
      `C-FIND refused by ${peer.calledAet}: status ${statusText(final ?? -1)} (is AE '${peer.callingAet}' allowed to query?)`,
      'refused',
    );
  // A PACS that ignores a key returns everything; filter what we asked for ourselves.
  return hits.filter((h) => !q.modality || h.modalities.length === 0 || h.modalities.includes(q.modality!));
}

/**
 * C-GET of one study over the query association (no inbound port needed): each instance the
 * PACS sends is written to `dir` as a Part 10 file the moment it arrives, so a cancel or a drop
 * leaves only whole files. Resolves with what arrived; throws a PacsError (with `.received`)
 * when cancelled, dropped or refused.
 */
export async function getStudy(
  peerIn: PacsPeer,
  studyInstanceUid: string,
  dir: string,
  o: { signal?: AbortSignal; timeoutMs?: number; onProgress?: (p: RetrieveProgress) => void } = {},
): Promise<{ files: string[]; failed: number }> {
  const peer = checkPeer(peerIn);
  mkdirSync(dir, { recursive: true });
  const req = CGetRequest.createStudyGetRequest(studyInstanceUid);
  const files: string[] = [];
  const progress: RetrieveProgress = { received: 0, remaining: null, failed: 0 };
  let final: number | undefined;
  req.on('response', (r: { getStatus(): number; getRemaining(): number; getFailures(): number }) => {
    const s = r.getStatus();
    progress.remaining = r.getRemaining() ?? progress.remaining;
    progress.failed = r.getFailures() ?? progress.failed;
    if (!PENDING.has(s)) final = s;
    o.onProgress?.({ ...progress });
  });
  type StoreReq = {
    getDataset(): { toFile(p: string, cb: (e?: Error) => void, n?: unknown, w?: unknown): void };
    getAffectedSopInstanceUid?(): string;
  };
  const onStore = (request: StoreReq, callback: (r: unknown) => void) => {
    const file = path.join(dir, `${String(files.length + 1).padStart(6, '0')}.dcm`);
    const response = CStoreResponse.fromRequest(request as never);
    request.getDataset().toFile(
      file,
      (err) => {
        if (err) {
          response.setStatus(0xa700);
          progress.failed++;
        } else {
          files.push(file);
          progress.received++;
          response.setStatus(Status.Success);
        }
        o.onProgress?.({ ...progress });
        callback(response);
      },
      undefined,
      DATASET_OPTIONS.datasetWriteOptions,
    );
  };
  try {
    await runAssociation(peer, [req as never], {
      ...o,
      finished: () => final !== undefined,
      onClient: (c) => c.on('cStoreRequest', onStore as never),
    });
  } catch (e) {
    (e as PacsError & { received?: string[] }).received = files;
    throw e;
  }
  if (final === CANCELLED) throw Object.assign(new PacsError('cancelled', 'cancelled'), { received: files });
  if (final !== Status.Success && final !== 0xb000)
    throw Object.assign(
      new PacsError(
        `C-GET refused by ${peer.calledAet}: status ${statusText(final ?? -1)} (is AE '${peer.callingAet}' allowed to retrieve?)`,
        'refused',
      ),
      { received: files },
    );
  return { files, failed: progress.failed };
}
