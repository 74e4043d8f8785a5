import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { emptyResult, runImport } from '../../import/pipeline.ts';
import type { ImportResult } from '../../import/types.ts';
import type { ProjectStore } from '../../store/types.ts';
import { getStudy } from './client.ts';
import { PacsError, type PacsPeer, type RetrieveProgress } from './types.ts';

export interface RetrieveResult {
  studies: Array<{ studyInstanceUid: string; received: number; error?: string }>;
  /** The ordinary import's report over everything received (dedup, warnings, failures). */
  import: ImportResult;
  cancelled: boolean;
}

/**
 * Retrieves studies (C-GET) into the project through the ordinary import, so dedup, warnings,
 * non-image refusals and the report all apply. Instances are staged under
 * `<project>/.incoming/pacs-<uuid>/` and the folder is removed afterwards. A cancel or a dropped
 * connection keeps the instances that arrived whole (imported like any others) and says so;
 * nothing half-received reaches the project.
 */
export async function retrieveStudies(
  store: ProjectStore,
  peer: PacsPeer,
  studyUids: string[],
  o: {
    signal?: AbortSignal;
    onProgress?: (p: RetrieveProgress & { study: number; studies: number }) => void;
    source?: string;
  } = {},
): Promise<RetrieveResult> {
  if (!studyUids.length) throw new PacsError('no study to retrieve', 'bad_request');
  const staging = path.join(store.dir, '.incoming', `pacs-${randomUUID()}`);
  const result: RetrieveResult = { studies: [], import: emptyResult(), cancelled: false };
  const files: string[] = [];
  try {
    for (const [i, uid] of studyUids.entries()) {
      if (o.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      try {
        const r = await getStudy(peer, uid, path.join(staging, String(i)), {
          signal: o.signal,
          onProgress: (p) => o.onProgress?.({ ...p, study: i + 1, studies: studyUids.length }),
        });
        files.push(...r.files);
        result.studies.push({ studyInstanceUid: uid, received: r.files.length });
      } catch (e) {
        const got = (e as { received?: string[] }).received ?? [];
        files.push(...got);
        const cancelled = e instanceof PacsError && e.code === 'cancelled';
        result.studies.push({
          studyInstanceUid: uid,
          received: got.length,
          error: cancelled ? 'cancelled' : (e as Error).message,
        });
        if (cancelled) {
          result.cancelled = true;
          break;
        }
        if (e instanceof PacsError && (e.code === 'connect' || e.code === 'rejected')) throw e;
      }
    }
    if (files.length)
      result.import = await runImport(
        store,
        { paths: files },
        { source: o.source ?? `pacs:${peer.calledAet}` },
      );
    return result;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
