/**
 * The label-savings simulation (research harness, not product code; it was `spcxr al-sim`):
 * simulates active-learning campaigns on real labelled data with a patient-level held-out split
 * and reports how many labels each strategy needs.
 *
 *   npx tsx bench/al-sim.ts [--dataset nih|kermany|ieee-masks|all] [--seeds 5] [--budget N]
 *     [--batch N] [--start N] [--strategies a,b] [--encoder DIR] [--data DIR] [--figures DIR] [--json]
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { STRATEGIES, type StrategyName } from '../src/core/active/types.ts';
import type { SimDatasetName } from './al-sim/sim-data.ts';
import { runSim } from './al-sim/sim-run.ts';

class UsageError extends Error {}
const ROOT = path.resolve(import.meta.dirname, '..');
const DATASETS: SimDatasetName[] = ['nih', 'kermany', 'ieee-masks'];

function int(v: string | boolean | undefined, name: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

const io = {
  out: (l: string) => process.stdout.write(`${l}\n`),
  err: (l: string) => process.stderr.write(`${l}\n`),
  progress: (l: string, done: number, total: number) => process.stderr.write(`\r${l} ${done}/${total}`),
};

async function main(flags: Record<string, string | boolean | undefined>) {
  {
    const ds = String(flags.dataset ?? 'all');
    const datasets = ds === 'all' ? DATASETS : ds.split(',');
    for (const d of datasets) {
      if (!DATASETS.includes(d as SimDatasetName)) throw new UsageError(`unknown --dataset '${d}'`);
    }
    const strategies = flags.strategies ? String(flags.strategies).split(',') : [...STRATEGIES];
    for (const s of strategies)
      if (!STRATEGIES.includes(s as StrategyName)) throw new UsageError(`unknown strategy '${s}'`);
    // Random sampling is the reference every saving is measured against.
    if (!strategies.includes('random')) strategies.push('random');
    const shipped = path.join(ROOT, 'resources/models/spcxr-vit-tiny');
    const encoderDir = path.resolve(
      String(flags.encoder ?? (existsSync(path.join(shipped, 'encoder.onnx')) ? shipped : '')),
    );
    if (!flags.encoder && !existsSync(path.join(shipped, 'encoder.onnx'))) {
      throw new UsageError(`no shipped encoder at ${shipped}; pass --encoder DIR`);
    }
    const dataRoot = path.resolve(String(flags.data ?? path.join(ROOT, '../shared/data/cxr')));
    const overrides: Record<string, number> = {};
    for (const k of ['budget', 'batch', 'start'] as const)
      if (flags[k] !== undefined) overrides[k] = int(flags[k], k, 1);
    if (flags.lambda !== undefined) overrides.lambda = Number(flags.lambda);
    if (flags['hybrid-warmup'] !== undefined) overrides.hybridWarmup = Number(flags['hybrid-warmup']);
    if (flags['hybrid-pool'] !== undefined) overrides.hybridPoolFactor = Number(flags['hybrid-pool']);
    const hs = flags['hybrid-select'];
    if (hs !== undefined && hs !== 'cluster' && hs !== 'kcenter')
      throw new UsageError('--hybrid-select must be cluster or kcenter');
    const results: Record<string, unknown> = {};
    for (const d of datasets as SimDatasetName[]) {
      io.err(`al-sim: ${d} with encoder ${encoderDir}`);
      const out = await runSim(d, {
        dataRoot,
        encoderDir,
        cacheDir: path.join(ROOT, 'runs/al-sim'),
        figureDir: flags.figures === undefined ? undefined : path.resolve(String(flags.figures)),
        seeds: int(flags.seeds, 'seeds', 5),
        strategies: strategies as StrategyName[],
        overrides: { ...overrides, ...(hs ? { hybridSelect: hs as 'cluster' | 'kcenter' } : {}) },
        log: (l) => io.err(l),
        progress: (l, done, total) => io.progress(l, done, total),
      });
      const { result, savings } = out;
      io.out(
        `\n## ${d}: ${result.metric} on ${result.test} held-out images (pool ${result.pool}), ${result.config.seeds.length} seeds, ${result.seconds.toFixed(0)} s\n`,
      );
      io.out(out.table);
      const hy = savings.needed.hybrid;
      if (hy !== undefined) {
        io.out(
          `\nhybrid reaches random@${savings.reference.labels} (${savings.reference.value.toFixed(3)}) with ${hy === null ? 'no label count within the budget' : `${hy} labels (${Math.round((100 * hy) / savings.reference.labels)} %)`}`,
        );
      }
      if (out.figure) io.out(`figure: ${out.figure}`);
      io.out(
        `mean suggestion pass (ms): ${Object.entries(result.passMs)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')}`,
      );
      results[d] = { ...result, savings, table: out.table, figure: out.figure };
    }
    if (flags.json) io.out(JSON.stringify({ ok: true, encoder: encoderDir, results }));
  }
}

const names = ['dataset', 'seeds', 'budget', 'batch', 'start', 'strategies', 'encoder', 'data', 'figures'];
const extra = ['lambda', 'hybrid-warmup', 'hybrid-pool', 'hybrid-select'];
const { values } = parseArgs({
  options: {
    ...Object.fromEntries([...names, ...extra].map((n) => [n, { type: 'string' as const }])),
    json: { type: 'boolean' },
  },
});
main(values).catch((e: Error) => {
  process.stderr.write(`al-sim: ${e.message}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
