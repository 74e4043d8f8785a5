import { readFileSync } from 'node:fs';
import type { ProjectStore } from '../store/types.ts';
import { DeidContext } from './deid/context.ts';
import { exportSeg } from './seg/export.ts';

export type InteropFormat = 'seg';

export interface InteropExportOptions {
  deidentify?: boolean;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface InteropExportResult {
  out: string;
  written: number;
  files: string[];
  failed: Array<{ file: string; reason: string }>;
  warnings: string[];
  deidentified: boolean;
  /** With --deidentify: how many patients, UIDs and files were replaced (never the originals). */
  deid?: { patients: number; uids: number; files: number };
}

function appVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '0';
  }
}

/** The exports other tools read (DICOM SEG, COCO, nnU-Net), optionally de-identified. */
export async function runInteropExport(
  store: ProjectStore,
  format: InteropFormat,
  out: string,
  o: InteropExportOptions = {},
): Promise<InteropExportResult> {
  if (format !== 'seg') throw new Error(`unknown export format ${format}`);
  const ctx = o.deidentify ? new DeidContext() : undefined;
  const r = await exportSeg(store, out, {
    deid: ctx,
    softwareVersion: appVersion(),
    onProgress: o.onProgress,
    signal: o.signal,
  });
  return {
    out: r.dir,
    written: r.files.length,
    files: r.files.map((f) => f.file),
    failed: r.failed,
    warnings: r.warnings,
    deidentified: !!ctx,
    ...(ctx ? { deid: ctx.summary() } : {}),
  };
}
