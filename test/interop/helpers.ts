import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { encodeGrayPng } from '../../src/core/imaging/index.ts';
import type { ImageRow, ProjectStore } from '../../src/core/store/index.ts';
import { REPO, SHARED } from '../cli/run.ts';

export const DICOM_DIR = path.join(SHARED, 'dicom/share');
export const SAMPLE_IMAGES = path.join(REPO, 'sample/images');

/** A deterministic mask per image and class: an ellipse plus a sparse pattern (every bit matters). */
export function makeMask(img: Pick<ImageRow, 'width' | 'height' | 'id'>, salt = 0): Uint8Array {
  const { width: w, height: h } = img;
  const m = new Uint8Array(w * h);
  const cx = w * (0.35 + 0.1 * salt);
  const cy = h / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const e = ((x - cx) / (w * 0.25)) ** 2 + ((y - cy) / (h * 0.35)) ** 2 <= 1;
      m[y * w + x] = e || (x * 7 + y * 13 + img.id + salt) % 61 === 0 ? 1 : 0;
    }
  }
  return m;
}

export async function setMask(store: ProjectStore, img: ImageRow, maskClass: string, mask: Uint8Array) {
  const gray = mask.map((v) => (v ? 255 : 0));
  store.setMask({
    imageId: img.id,
    maskClass,
    png: await encodeGrayPng(gray, img.width, img.height),
    author: 'Dr Tester',
    source: 'human',
  });
}

/** dciodvfy's verdict: the lines that are errors (warnings about the source's own data are allowed). */
export function dciodvfy(file: string): { errors: string[]; output: string } {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  return { errors: output.split('\n').filter((l) => /^Error/.test(l)), output };
}

export function dcmdump(file: string): { code: number; output: string } {
  const r = spawnSync('dcmdump', ['-q', file], { encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

export interface PySegInfo {
  sopClass: string;
  sop: string;
  study: string;
  series: string;
  refSop: string;
  refSeries: string;
  refSopInSeries: string;
  patientName: string;
  patientId: string;
  studyDate: string;
  identityRemoved: string;
  segments: Array<{ label: string; code: string; scheme: string; meaning: string }>;
  frames: Array<{ segment: number; sha256: string; ones: number }>;
  private: string[];
  phi: Record<string, string>;
}

/** Reads SEG files with pydicom (an independent reader) through `seg_check.py`. */
export function pydicomCheck(files: string[], phiKeywords: string[] = []): Record<string, PySegInfo> {
  const r = spawnSync(
    '/usr/bin/python3',
    [path.join(REPO, 'test/interop/seg_check.py'), phiKeywords.join(','), ...files],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  if (r.status !== 0) throw new Error(`seg_check.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
