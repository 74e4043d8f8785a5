import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import dimse from 'dcmjs-dimse';
import { runImport } from '../../import/pipeline.ts';
import type { ImportResult } from '../../import/types.ts';
import type { ProjectStore } from '../../store/types.ts';
import { DATASET_OPTIONS } from './association.ts';
import { validateAet } from './types.ts';

const { Scp } = dimse;
const { CEchoResponse, CStoreResponse } = dimse.responses;
const {
  Status,
  PresentationContextResult,
  RejectResult,
  RejectSource,
  RejectReason,
  SopClass,
  StorageClass,
} = dimse.constants;

export interface ReceiverOptions {
  aet: string;
  port: number;
  /** Interface to bind; loopback unless the user chooses otherwise. */
  host?: string;
  /** Calling AE titles allowed to send; empty or absent = any. */
  allowedAets?: string[];
  /** Called after each association's instances went through the ordinary import. */
  onImported?: (r: { callingAet: string; received: number; import: ImportResult }) => void;
  onError?: (e: Error) => void;
}

export interface Receiver {
  port: number;
  host: string;
  close(): Promise<void>;
}

const STORAGE = new Set<string>(Object.values(StorageClass as Record<string, string>));

/**
 * A C-STORE SCP that files what it receives into the open project through the ordinary import
 * (dedup, warnings, refusals of non-images, report), one import per association when the
 * sender releases it. It accepts Verification and every storage SOP class in the transfer
 * syntax the sender proposes (the importer decodes them), refuses an unknown called AE, and
 * refuses calling AEs not in `allowedAets` when that list is set. Imports run one at a time.
 */
export function startReceiver(store: ProjectStore, o: ReceiverOptions): Promise<Receiver> {
  const aet = validateAet(o.aet, 'receiver AE');
  const allowed = new Set((o.allowedAets ?? []).map((a) => a.trim()).filter(Boolean));
  let queue: Promise<void> = Promise.resolve();

  class ReceiverScp extends Scp {
    staging = path.join(store.dir, '.incoming', `receive-${randomUUID()}`);
    files: string[] = [];
    callingAet = '';

    override associationRequested(association: InstanceType<typeof dimse.association.Association>) {
      this.callingAet = association.getCallingAeTitle();
      if (association.getCalledAeTitle() !== aet) {
        this.sendAssociationReject(
          RejectResult.Permanent,
          RejectSource.ServiceUser,
          RejectReason.CalledAeNotRecognized,
        );
        return;
      }
      if (allowed.size && !allowed.has(this.callingAet)) {
        this.sendAssociationReject(
          RejectResult.Permanent,
          RejectSource.ServiceUser,
          RejectReason.CallingAeNotRecognized,
        );
        return;
      }
      for (const c of association.getPresentationContexts()) {
        const ctx = association.getPresentationContext(c.id);
        const abstract = ctx.getAbstractSyntaxUid();
        if (abstract === SopClass.Verification || STORAGE.has(abstract)) {
          ctx.setResult(PresentationContextResult.Accept, ctx.getTransferSyntaxUids()[0]);
        } else ctx.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
      }
      this.sendAssociationAccept();
    }

    override cEchoRequest(
      request: InstanceType<typeof dimse.requests.CEchoRequest>,
      callback: (r: InstanceType<typeof CEchoResponse>) => void,
    ) {
      const r = CEchoResponse.fromRequest(request);
      r.setStatus(Status.Success);
      callback(r);
    }

    override cStoreRequest(
      request: InstanceType<typeof dimse.requests.CStoreRequest>,
      callback: (r: InstanceType<typeof CStoreResponse>) => void,
    ) {
      mkdirSync(this.staging, { recursive: true });
      const file = path.join(this.staging, `${String(this.files.length + 1).padStart(6, '0')}.dcm`);
      const response = CStoreResponse.fromRequest(request);
      const ds = request.getDataset();
      if (!ds) {
        response.setStatus(0xa900);
        return callback(response);
      }
      ds.toFile(
        file,
        (err) => {
          if (err) response.setStatus(0xa700);
          else {
            this.files.push(file);
            response.setStatus(Status.Success);
          }
          callback(response);
        },
        undefined,
        DATASET_OPTIONS.datasetWriteOptions,
      );
    }

    override associationReleaseRequested() {
      this.sendAssociationReleaseResponse();
      this.flush();
    }

    override abort() {
      // An aborted association keeps the instances that arrived whole.
      this.flush();
    }

    flush() {
      const files = this.files.splice(0);
      const staging = this.staging;
      this.staging = path.join(store.dir, '.incoming', `receive-${randomUUID()}`);
      if (!files.length) return;
      const callingAet = this.callingAet;
      queue = queue
        .then(async () => {
          const r = await runImport(store, { paths: files }, { source: `dicom:${callingAet}` });
          o.onImported?.({ callingAet, received: files.length, import: r });
        })
        .catch((e) => o.onError?.(e as Error))
        .finally(() => rmSync(staging, { recursive: true, force: true }));
    }
  }

  const host = o.host ?? '127.0.0.1';
  const server = net.createServer((socket) => {
    const scp = new ReceiverScp(socket, DATASET_OPTIONS);
    scp.on('networkError', () => {
      scp.flush();
      socket.destroy();
    });
    socket.on('close', () => scp.flush());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      server.on('error', (e) => o.onError?.(e));
      resolve({
        port: (server.address() as net.AddressInfo).port,
        host,
        close: () =>
          new Promise((res) => {
            server.close(() => {
              queue.finally(() => res());
            });
          }),
      });
    });
  });
}
