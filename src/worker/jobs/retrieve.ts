import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { retrieveStudies } from '../../core/interop/pacs/retrieve.ts';
import type { JobRunner } from '../types.ts';

/** C-GET the studies into the project through the ordinary import; cancel keeps whole instances. */
export const runRetrieveJob: JobRunner<'retrieve'> = async ({ store, params, signal, progress }) => {
  const p = jobSchemas.retrieve.params.parse(params);
  const r = await retrieveStudies(
    store,
    { host: p.host, port: p.port, calledAet: p.calledAet, callingAet: p.callingAet },
    p.studyUids,
    {
      signal,
      onProgress: (x) =>
        progress({
          done: x.received,
          total: x.received + (x.remaining ?? 0),
          phase: `study ${x.study}/${x.studies}`,
        }),
    },
  );
  const fatal = r.studies.find((s) => s.error && s.error !== 'cancelled' && s.received === 0);
  if (fatal && r.import.added === 0 && !r.cancelled) throw new Error(fatal.error);
  return r;
};
