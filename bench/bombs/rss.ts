/**
 * Peak RSS of importing each file of the bomb corpus, one fresh process per file, next to the
 * peer: importing one ordinary chest X-ray the same way. Prints a markdown table for
 * docs/BENCHMARKS.md.   nice -n 5 npx tsx bench/bombs/rss.ts [CORPUS_DIR]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeBombCorpus } from './corpus.ts';

const here = import.meta.dirname;
const corpus = path.resolve(process.argv[2] ?? path.join(os.tmpdir(), 'spcxr-bomb-corpus-v1'));
const bombs = await makeBombCorpus(corpus);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'spcxr-bomb-rss-'));

function importOne(file: string, manifest: boolean): { peakRssMiB: number; added: number; failed: string[] } {
  const proj = mkdtempSync(path.join(tmp, 'p-'));
  rmSync(proj, { recursive: true });
  const args = [
    '--import',
    'tsx',
    path.join(here, 'import-one.ts'),
    proj,
    file,
    ...(manifest ? ['--manifest'] : []),
  ];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }).trim().split('\n').at(-1)!);
}

const peer = importOne(path.join(here, '../../sample/images/nih_00001280_004.png'), false);
console.log(`| file | what | peak RSS (MiB) | × peer | outcome |\n|---|---|---:|---:|---|`);
console.log(
  `| (peer) nih_00001280_004.png | ordinary 1024×1024 CXR | ${peer.peakRssMiB} | 1.00 | imported |`,
);
for (const b of bombs) {
  const r = b.mask
    ? importOne(path.join(corpus, 'manifest.csv'), true)
    : importOne(path.join(corpus, b.name), false);
  const outcome = r.failed.length ? `refused: ${r.failed[0].replace(/^.*?: /, '')}` : 'imported';
  const ratio = (r.peakRssMiB / peer.peakRssMiB).toFixed(2);
  console.log(`| ${b.mask ?? b.name} | ${b.what} | ${r.peakRssMiB} | ${ratio} | ${outcome} |`);
}
rmSync(tmp, { recursive: true, force: true });
