import { dicomSettings } from '../../app/state.ts';
import { echo, findStudies } from '../../interop/pacs/client.ts';
import { PacsError, type PacsPeer } from '../../interop/pacs/types.ts';
import { ApiError, type ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<ApiHandlers, 'pacs.echo' | 'pacs.find' | 'pacs.retrieve'>;

const CODES = { bad_request: 'bad_request', cancelled: 'cancelled' } as const;

/** PACS errors reach the client with their message (what to fix), not as internal errors. */
async function guard<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof PacsError)
      throw new ApiError(CODES[e.code as keyof typeof CODES] ?? 'conflict', e.message);
    throw e;
  }
}

export function pacsHandlers(ctx: ServiceContext): H {
  const peerOf = (p: { host: string; port: number; calledAet: string; callingAet?: string }): PacsPeer => {
    const { aet } = dicomSettings(ctx.current()?.store);
    return { host: p.host, port: p.port, calledAet: p.calledAet, callingAet: p.callingAet ?? aet };
  };
  return {
    'pacs.echo': (p) => guard(() => echo(peerOf(p))),
    'pacs.find': (p) =>
      guard(async () => ({
        studies: await findStudies(peerOf(p), {
          patientId: p.patientId,
          studyDate: p.studyDate,
          modality: p.modality,
          bodyPart: p.bodyPart,
        }),
      })),
    'pacs.retrieve': (p) => {
      const s = ctx.session();
      const params = { ...p, callingAet: peerOf(p).callingAet };
      return { jobId: ctx.jobs.start('retrieve', s.dir, params).id };
    },
  };
}
