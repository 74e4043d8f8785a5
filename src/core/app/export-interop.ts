/**
 * The exports other tools read (DICOM SEG; COCO and nnU-Net below), optionally de-identified
 * with one `DeidContext` for the whole export, so a patient keeps one pseudonym across files.
 */
import { readFileSync } from 'node:fs';
import { DeidContext } from '../interop/deid/context.ts';
import { exportSeg } from '../interop/seg/export.ts';
import type { ProjectStore } from '../store/types.ts';
import type { ExportOutcome, ExportRequest } from './export.ts';

function appVersion(): string {
  try {
    const pkg = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(pkg) as { version: string }).version;
  } catch {
    return '0';
  }
}

export async function exportInterop(
  store: ProjectStore,
  req: ExportRequest,
  ctl: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<ExportOutcome> {
  const ctx = req.deidentify ? new DeidContext() : undefined;
  const r = await exportSeg(store, req.out, {
    deid: ctx,
    softwareVersion: appVersion(),
    onProgress: ctl.onProgress,
    signal: ctl.signal,
  });
  return {
    format: req.format,
    path: r.dir,
    files: r.files.length + 1,
    count: r.files.length,
    failed: r.failed,
    warnings: r.warnings,
    ...(ctx ? { deid: ctx.summary() } : {}),
  };
}
