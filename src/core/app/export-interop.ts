/**
 * The exports other tools read (DICOM SEG, COCO, nnU-Net) and de-identified CSV and masks. One
 * `DeidContext` serves the whole export, so a patient keeps one pseudonym, one date shift and
 * one UID mapping across every file it writes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeExportFile } from '../export/safe-path.ts';
import { exportCoco } from '../interop/coco/export.ts';
import { deidentifyCard } from '../interop/deid/card.ts';
import { DeidContext } from '../interop/deid/context.ts';
import { exportCsvDeid, exportMasksDeid } from '../interop/deid/tables.ts';
import { exportNnUnet } from '../interop/nnunet/export.ts';
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
  const deid = req.deidentify ? new DeidContext() : undefined;
  const o = { deid, onProgress: ctl.onProgress, signal: ctl.signal };
  const summary = () => (deid ? { deid: deid.summary() } : {});
  switch (req.format) {
    case 'seg': {
      const r = await exportSeg(store, req.out, { ...o, softwareVersion: appVersion() });
      return {
        format: 'seg',
        path: r.dir,
        files: r.files.length + 1,
        count: r.files.length,
        failed: r.failed,
        warnings: r.warnings,
        ...summary(),
      };
    }
    case 'coco': {
      const r = await exportCoco(store, req.out, o);
      return {
        format: 'coco',
        path: r.dir,
        files: r.written + 1,
        count: r.written,
        failed: r.failed,
        warnings: r.warnings,
        ...summary(),
      };
    }
    case 'nnunet': {
      const r = await exportNnUnet(store, req.out, o);
      return {
        format: 'nnunet',
        path: r.dataset,
        files: 2 * r.written + 1,
        count: r.written,
        failed: r.failed,
        warnings: r.warnings,
        ...summary(),
      };
    }
    case 'csv': {
      const r = exportCsvDeid(store, req.out, deid ?? new DeidContext());
      return { format: 'csv', path: r.file, files: 1, count: r.rows, failed: [], ...summary() };
    }
    case 'masks': {
      const r = await exportMasksDeid(store, req.out, deid ?? new DeidContext(), ctl.onProgress);
      return {
        format: 'masks',
        path: r.dir,
        files: r.masks + 1,
        count: r.masks,
        failed: r.failed,
        ...summary(),
      };
    }
    default:
      throw new Error(`${req.format}: no interop export for this format`);
  }
}

/** A model bundle's `bundle.json` rewritten without per-image lists, site names or patient IDs. */
export function deidentifyBundleCard(store: ProjectStore, out: string, files: number): ExportOutcome {
  const file = path.join(out, 'bundle.json');
  const card = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const deid = new DeidContext();
  deidentifyCard(card, store, deid);
  writeExportFile(store.dir, file, `${JSON.stringify(card, null, 1)}\n`);
  return { format: 'model', path: path.resolve(out), files, count: files, failed: [], deid: deid.summary() };
}
