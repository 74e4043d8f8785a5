/**
 * Label savings measured through the product's own training path: every step trains the head
 * `spcxr train` fits (bench/al-sim/product-head.ts), suggestions come from the same bounded
 * suggest pass a project runs, and every step is scored on held-out patients and a held-out
 * site. Campaigns are appended to runs/al-sim/product-<setting>.jsonl as they finish, so runs
 * can be split over processes (--seeds 1-5 and 6-10) and resumed; `--report` summarises.
 *
 *   npx tsx bench/al-product.ts [--setting mixed|kermany] [--strategies a,b] [--seeds 1-10]
 *     [--start 20] [--batch 20] [--budget 200]
 *   npx tsx bench/al-product.ts --report [--setting mixed] [--figures docs/figures]
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { STRATEGIES, type StrategyName } from '../src/core/active/types.ts';
import { productReport } from './al-sim/product-report.ts';
import {
  appendRecord,
  campaign,
  type ProductSetting,
  productData,
  readRecords,
} from './al-sim/product-sim.ts';
import { loadSimDataset, simFeatures } from './al-sim/sim-data.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: a } = parseArgs({
  options: {
    setting: { type: 'string', default: 'mixed' },
    strategies: { type: 'string', default: 'random,hybrid,typical,balanced,switch' },
    seeds: { type: 'string', default: '1-10' },
    start: { type: 'string', default: '20' },
    batch: { type: 'string', default: '20' },
    budget: { type: 'string', default: '200' },
    report: { type: 'boolean', default: false },
    figures: { type: 'string' },
    /** Results file suffix: keeps runs with another budget apart (random is copied in to pair). */
    tag: { type: 'string', default: '' },
  },
});

const setting = a.setting as ProductSetting;
if (setting !== 'mixed' && setting !== 'kermany') throw new Error(`--setting must be mixed or kermany`);
const file = path.join(ROOT, 'runs/al-sim', `product-${setting}${a.tag ? `-${a.tag}` : ''}.jsonl`);
if (a.report) {
  const out = productReport(readRecords(file), { budget: Number(a.budget), figures: a.figures });
  process.stdout.write(`${out}\n`);
} else {
  const strategies = a.strategies!.split(',') as StrategyName[];
  for (const s of strategies) if (!STRATEGIES.includes(s)) throw new Error(`unknown strategy '${s}'`);
  const [lo, hi] = a.seeds!.split('-').map(Number);
  const seeds = Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i);
  const dataRoot = path.join(ROOT, '../shared/data/cxr');
  const encoder = path.join(ROOT, 'resources/models/spcxr-vit-tiny');
  const cache = path.join(ROOT, 'runs/al-sim');
  mkdirSync(cache, { recursive: true });
  const sets = [];
  for (const name of ['kermany', 'nih'] as const) {
    const images = loadSimDataset(dataRoot, name);
    sets.push({ name, images, f: await simFeatures(images, name, encoder, cache, false) });
  }
  const d = productData(sets);
  const cfg = { setting, start: Number(a.start), batch: Number(a.batch), budget: Number(a.budget) };
  const done = new Set(readRecords(file).map((r) => `${r.strategy}/${r.seed}`));
  // Seed-major order: a partial run still has every strategy at the first seeds.
  for (const seed of seeds)
    for (const s of strategies) {
      if (done.has(`${s}/${seed}`)) continue;
      const r = await campaign(d, cfg, s, seed);
      appendRecord(file, r);
      const last = Object.entries(r.auc)
        .map(([k, v]) => `${k} ${v.at(-1)!.toFixed(3)}`)
        .join(', ');
      process.stderr.write(`${setting} ${s} seed ${seed}: ${last} (${r.seconds.toFixed(0)} s)\n`);
    }
}
