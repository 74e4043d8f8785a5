import { dicomSettings, state } from '../core/app/state.ts';
import type { DicomSettings, PacsPeer } from '../core/interop/pacs/types.ts';
import type { ProjectStore } from '../core/store/types.ts';
import { UsageError } from './types.ts';

/** Stores the peer (and this app's AE title) as the project's default PACS (`--save`). */
export function savePeer(store: ProjectStore, peer: PacsPeer): DicomSettings {
  const next = {
    ...dicomSettings(store),
    aet: peer.callingAet,
    pacs: { host: peer.host, port: peer.port, calledAet: peer.calledAet },
  };
  state.dicom.set(store, next);
  return next;
}

/** Stores the receiver's port, host, AE title and allowed senders (`spcxr receive --save`). */
export function saveReceiver(
  store: ProjectStore,
  r: { aet: string; port: number; host: string; allowedAets: string[] },
): void {
  state.dicom.set(store, {
    ...dicomSettings(store),
    aet: r.aet,
    receiver: { port: r.port, host: r.host, allowedAets: r.allowedAets },
  });
}

export { dicomSettings };

const flag = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);

export function parsePortFlag(v: string | boolean | undefined, name: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 1 || n > 65535)
    throw new UsageError(`--${name} must be a port number 1..65535, got '${v ?? ''}'`);
  return n;
}

/** --host/--port/--called-aet/--aet, falling back to the project's saved PACS and AE title. */
export function peerFromFlags(flags: Record<string, string | boolean>, s: DicomSettings): PacsPeer {
  const host = flag(flags.host) ?? s.pacs?.host;
  if (!host) throw new UsageError('--host H is required (no PACS saved in the project settings)');
  const port = parsePortFlag(flags.port, 'port', s.pacs?.port);
  return {
    host,
    port,
    calledAet: flag(flags['called-aet']) ?? s.pacs?.calledAet ?? 'ANY-SCP',
    callingAet: flag(flags.aet) ?? s.aet,
  };
}
