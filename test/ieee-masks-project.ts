/**
 * A small real project for lung-mask tests: ieee8023 images with their manual masks (masks_v7),
 * imported by the CLI with --reference. ieee8023 may not be copied into the repository, so the
 * project's data folder links to the shared files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSimDataset } from '../bench/al-sim/sim-data.ts';
import { DATA, ROOT } from './active/real-embeddings.ts';

export interface MasksProjectOptions {
  /** Prefix of the temporary folder. */
  prefix: string;
  /** How many images to import. */
  images: number;
  /** The first `masked` of them come with their manual mask. */
  masked: number;
  /** One image per patient, so a patient-grouped split has validation images. */
  onePerPatient?: boolean;
}

export interface MasksProject {
  /** The temporary folder (remove it in afterAll). */
  dir: string;
  /** The project folder. */
  project: string;
  /** Runs the spcxr CLI synchronously. */
  run: (...args: string[]) => Buffer;
}

export function buildIeeeMasksProject(o: MasksProjectOptions): MasksProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), o.prefix));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  symlinkSync(path.join(DATA, 'ieee8023/images'), path.join(data, 'images'));
  symlinkSync(path.join(DATA, 'ieee8023/masks_v7'), path.join(data, 'masks_v7'));
  const seen = new Set<string>();
  const imgs = loadSimDataset(DATA, 'ieee-masks')
    .filter((im) => !o.onePerPatient || (!seen.has(String(im.patient)) && seen.add(String(im.patient))))
    .slice(0, o.images);
  const rel = (p: string) => path.relative(path.join(DATA, 'ieee8023'), p);
  const rows = imgs.map(
    (im, i) => `${rel(im.file)},${i < o.masked ? rel(im.mask as string) : ''},${im.patient},ieee8023`,
  );
  writeFileSync(path.join(data, 'm.csv'), ['file,mask,patient_id,source', ...rows].join('\n'));
  const project = path.join(dir, 'proj');
  const bin = path.join(ROOT, 'bin/spcxr.mjs');
  const run = (...args: string[]) => execFileSync(process.execPath, [bin, ...args], { stdio: 'pipe' });
  run('init', project);
  run('import', project, '--manifest', path.join(data, 'm.csv'), '--reference');
  return { dir, project, run };
}
