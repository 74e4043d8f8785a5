/**
 * Kernel profile and per-step cost of the lung decoder's training step (the shipped encoder's
 * shapes: S 112, dense grid 14, 3 levels × 192, width 64, 2 context convs, image branch 16), on
 * random inputs: where a step's time goes, and decoder variants timed alternately in one run.
 *
 *   nice -n 5 npx tsx bench/seg-step-profile.ts [--steps 12] [--variants base,slim]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { initTf, tf } from '../src/core/train/backend.ts';
import { type SegHeadConfig, segHead } from '../src/core/train/seg-head.ts';
import { segLoss } from '../src/core/train/segment.ts';

const { values: a } = parseArgs({
  options: {
    steps: { type: 'string', default: '12' },
    variants: { type: 'string', default: 'base' },
    batch: { type: 'string', default: '8' },
    'no-profile': { type: 'boolean', default: false },
  },
});
await initTf();
const base: SegHeadConfig = {
  size: 112,
  grid: 14,
  dim: 192,
  levels: 3,
  width: 64,
  stem: false,
  ctx: 2,
  branch: 16,
  dense: true,
};
const VARIANTS: Record<string, Partial<SegHeadConfig> & { batch?: number }> = {
  base: {},
  slim: { lateral: 32, fuse2: 16 },
  slim16: { lateral: 16, fuse2: 16 },
  narrow: { branch: 8 },
  slim8: { lateral: 16, fuse2: 16, branch: 8 },
  ctx1: { ctx: 1 },
  w32: { lateral: 16, fuse2: 16, branch: 8, width: 32 },
  w32ctx1: { lateral: 16, fuse2: 16, branch: 8, width: 32, ctx: 1 },
  shuffle: { branch: 0 },
  slim8b16: { lateral: 16, fuse2: 16, branch: 8, batch: 16 },
  slim8b32: { lateral: 16, fuse2: 16, branch: 8, batch: 32 },
};
const B = Number(a.batch);
function inputs(cfg: SegHeadConfig, B: number) {
  const g = cfg.grid;
  return {
    tokens: tf.randomNormal([B, g, g, cfg.levels * cfg.dim], 0, 1, 'float32', 1) as tf.Tensor4D,
    image: tf.randomNormal([B, cfg.size, cfg.size, 1], 0, 1, 'float32', 2) as tf.Tensor4D,
    target: tf.cast(
      tf.greater(tf.randomUniform([B, cfg.size / 2, cfg.size / 2, 1], 0, 1, 'float32', 3), 0.5),
      'float32',
    ) as tf.Tensor4D,
  };
}
const names = a.variants.split(',');
const heads = names.map((n) => {
  const { batch, ...v } = VARIANTS[n];
  const cfg = { ...base, ...v } as SegHeadConfig;
  const b = batch ?? B;
  return {
    n,
    cfg,
    b,
    head: segHead(cfg, 0),
    opt: tf.train.adam(2e-3),
    x: inputs(cfg, b),
    ms: [] as number[],
  };
});
const step = (h: (typeof heads)[number]) => {
  const l = h.opt.minimize(
    () => segLoss(h.head.forwardSeg(h.x.tokens, h.x.image, true, true), h.x.target),
    true,
  )!;
  l.dataSync();
  l.dispose();
};
for (const h of heads) step(h); // warm-up (kernel set-up, interp matrices)
const steps = Number(a.steps);
for (let s = 0; s < steps; s++)
  for (const h of heads) {
    const t = performance.now();
    step(h);
    h.ms.push(performance.now() - t);
  }
const med = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
const out: Record<string, unknown> = {
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model}`,
  load: os.loadavg()[0],
  batch: B,
};
for (const h of heads)
  out[h.n] = {
    batch: h.b,
    medianStepMs: Math.round(med(h.ms)),
    ratioToFirst: +(med(heads[0].ms) / med(h.ms)).toFixed(2),
    perImageRatioToFirst: +(med(heads[0].ms) / heads[0].b / (med(h.ms) / h.b)).toFixed(2),
  };
if (!a['no-profile']) {
  for (const h of heads) {
    const p = await tf.profile(() => step(h));
    const by = new Map<string, number>();
    for (const k of p.kernels) by.set(k.name, (by.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    const total = [...by.values()].reduce((s, v) => s + v, 0);
    out[`${h.n}Kernels`] = Object.fromEntries(
      [...by.entries()]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 12)
        .map(([k, v]) => [k, `${((100 * v) / total).toFixed(1)} %`]),
    );
    const convs = p.kernels
      .filter((k) => k.name === 'Conv2D')
      .map(
        (k) =>
          `${k.inputShapes.map((s) => s?.join('x')).join(' * ')}: ${(k.kernelTimeMs as number).toFixed(1)}`,
      );
    out[`${h.n}Convs`] = convs;
  }
}
console.log(JSON.stringify(out, null, 1));
