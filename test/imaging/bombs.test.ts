import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBombCorpus } from '../../bench/bombs/corpus.ts';
import { REPO } from '../cli/run.ts';

// Generated, not committed; kept across runs on one machine (the first run takes ~20 s).
const corpus = path.join(os.tmpdir(), 'spcxr-bomb-corpus-v1');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'spcxr-bombs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => makeBombCorpus(corpus), 240_000);

const GiB_MiB = 1024;

/** Imports in a child process (its peak RSS is the import's alone). */
function importIn(name: string, files: string[], manifest = false) {
  const args = [
    '--import',
    'tsx',
    path.join(REPO, 'bench/bombs/import-one.ts'),
    path.join(tmp, name),
    ...files,
  ];
  if (manifest) args.push('--manifest');
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', cwd: REPO, timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as {
    added: number;
    failed: string[];
    peakRssMiB: number;
  };
}

const REFUSALS: Record<string, RegExp> = {
  'deflate-1g.dcm': /inflates beyond 272 MiB/,
  'deflate-big-dims.dcm': /inflates beyond 272 MiB/,
  'huge-dims.dcm': /65535×65535 exceed the limit/,
  'rgba16-14000.png': /14000×14000 exceed the limit/,
  'grey-14000.jpg': /14000×14000 exceed the limit/,
  'sparse-1.9g.dcm': /file is 1900 MiB \(limit 512 MiB\): not read/,
  'pixrep7.dcm': /PixelRepresentation 7/,
  'one-pixel-387k.dcm': /Pixel Data is 396288 bytes/,
};

describe('decompression bombs and corrupt headers', () => {
  it('every bomb is refused by name, with the whole batch (4 in flight) under 1 GiB peak RSS', () => {
    const files = Object.keys(REFUSALS).map((f) => path.join(corpus, f));
    const r = importIn('batch', files);
    expect(r.added).toBe(0);
    for (const [f, why] of Object.entries(REFUSALS)) {
      const line = r.failed.find((x) => x.startsWith(path.join(corpus, f)));
      expect(line, f).toMatch(why);
    }
    expect(r.peakRssMiB).toBeLessThan(GiB_MiB);
  }, 120_000);

  it('a manifest mask of another size is refused from its header; the image still imports', () => {
    const r = importIn('mask', [path.join(corpus, 'manifest.csv')], true);
    expect(r.added).toBe(1);
    expect(r.failed.join('\n')).toMatch(/mask is 14000×14000, its image is 64×64/);
    expect(r.peakRssMiB).toBeLessThan(GiB_MiB);
  }, 120_000);

  it('the largest accepted images, imported together, decode one at a time (well under 1 GiB)', () => {
    const files = ['rgba16-5600.png', 'rgba16-5600-b.png', 'grey16-8000.png'].map((f) =>
      path.join(corpus, f),
    );
    const r = importIn('large', files);
    expect(r.added, r.failed.join('\n')).toBe(3);
    // One of them alone peaks at ~460 MiB; decoded side by side they reached ~1,000 MiB.
    expect(r.peakRssMiB).toBeLessThan(800);
  }, 180_000);
});
