import dimse from 'dcmjs-dimse';
import '../dicom-file.ts';
import { PacsError, type PacsPeer } from './types.ts';

dimse.log.setLevel('error');

type Request = InstanceType<typeof dimse.requests.CEchoRequest>;

/** Legacy values (`1995.07.20` dates, over-long strings) are kept as they are, not refused. */
export const DATASET_OPTIONS = {
  datasetReadOptions: { ignoreErrors: true },
  datasetWriteOptions: { allowInvalidVRLength: true },
};

/**
 * Runs requests over one association and resolves when it closes. Every way it can go wrong
 * becomes a `PacsError` naming the peer: connection refused or timed out, association rejected
 * (with the reason the PACS gave), aborted, or dropped before the last response.
 */
export function runAssociation(
  peer: PacsPeer,
  requests: Request[],
  o: {
    signal?: AbortSignal;
    timeoutMs?: number;
    onClient?: (client: InstanceType<typeof dimse.Client>) => void;
    /** True once every request got its final response (so a close is not a drop). */
    finished: () => boolean;
  },
): Promise<void> {
  const where = `${peer.calledAet}@${peer.host}:${peer.port}`;
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new PacsError('cancelled', 'cancelled'));
    const client = new dimse.Client();
    let error: PacsError | undefined;
    let abortTimer: NodeJS.Timeout | undefined;
    for (const r of requests) client.addRequest(r);
    o.onClient?.(client);
    client.on('associationRejected', (r: { result: number; source: number; reason: number }) => {
      const why =
        r.source === 1 && r.reason === 7
          ? `called AE title '${peer.calledAet}' not recognised`
          : r.source === 1 && r.reason === 3
            ? `calling AE title '${peer.callingAet}' not recognised`
            : `result ${r.result}, source ${r.source}, reason ${r.reason}`;
      error = new PacsError(
        `${where} rejected the association from '${peer.callingAet}': ${why}`,
        'rejected',
      );
    });
    client.on('abort', () => {
      error ??= new PacsError(
        `${where} aborted the association (is AE '${peer.callingAet}' allowed there?)`,
        'refused',
      );
    });
    client.on('networkError', (e: Error & { code?: string }) => {
      const m = e.message ?? String(e);
      if (/ECONNREFUSED/.test(m) || e.code === 'ECONNREFUSED')
        error ??= new PacsError(
          `cannot connect to ${where}: connection refused (is the PACS running, is the port right?)`,
          'connect',
        );
      else if (/timeout|timed out/i.test(m))
        error ??= new PacsError(
          `${where} did not answer in time (is AE '${peer.callingAet}' allowed there?)`,
          'timeout',
        );
      else error ??= new PacsError(`connection to ${where} lost: ${m}`, 'dropped');
    });
    const onAbort = () => {
      error = new PacsError('cancelled', 'cancelled');
      for (const r of requests) {
        try {
          client.cancel(r as never);
        } catch {
          // not cancellable (C-ECHO) or already done
        }
      }
      abortTimer = setTimeout(() => {
        try {
          client.abort();
        } catch {
          // already closed
        }
      }, 200);
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('closed', () => {
      clearTimeout(abortTimer);
      o.signal?.removeEventListener('abort', onAbort);
      if (error) return reject(error);
      if (!o.finished())
        return reject(
          new PacsError(
            `${where} closed the connection before answering (is AE '${peer.callingAet}' allowed there?)`,
            'dropped',
          ),
        );
      resolve();
    });
    client.send(peer.host, peer.port, peer.callingAet, peer.calledAet, {
      connectTimeout: o.timeoutMs ?? 10_000,
      associationTimeout: o.timeoutMs ?? 30_000,
      pduTimeout: o.timeoutMs ?? 60_000,
      ...DATASET_OPTIONS,
    });
  });
}
