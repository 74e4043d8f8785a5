/**
 * Re-draws the learning-curve SVGs from the curve data `spcxr al-sim --figures DIR` wrote
 * (al-<dataset>.json), e.g. after a change to the plot.   npx tsx bench/al-figures.ts [DIR]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Savings, SimResult } from './al-sim/sim-types.ts';
import { learningCurveSvg } from './al-sim/svg.ts';

const dir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../docs/figures'));
for (const f of readdirSync(dir).filter((n) => /^al-.*\.json$/.test(n))) {
  const { title, result, savings } = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as {
    title: string;
    result: SimResult;
    savings: Savings;
  };
  const out = path.join(dir, f.replace(/\.json$/, '.svg'));
  writeFileSync(out, learningCurveSvg(result, `Active learning: ${title}`, savings.reference));
  console.log(`wrote ${out}`);
}
