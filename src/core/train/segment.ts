import { InvalidInputError } from '../errors.ts';
import { decodeMaskPng, encodeGrayPng, resizeGray, type SquareGeometry } from '../imaging/index.ts';
import type { Encoder } from '../model/encoder.ts';
import { blackLevel, ensureFeatures, segLevels } from '../model/features.ts';
import { modelInputFromFile } from '../model/input.ts';
import { parseSafetensors, writeSafetensors } from '../model/safetensors.ts';
import type { FeatureLayer, RunControl } from '../model/types.ts';
import { augInput, augMask, denseViews, flipSquare } from '../model/views.ts';
import { DEFAULT_MASK_CLASS, type ProjectStore } from '../store/types.ts';
import { mulberry32, shuffle } from '../util/rng.ts';
import { initTf, tf } from './backend.ts';
import { encoderInfo } from './classifier.ts';
import { exclusive, getEncoder } from './engine.ts';
import { disposeHead, headWeights, loadHeadWeights } from './heads.ts';
import { cosineLr, epochLoop } from './loop.ts';
import { cleanLungMask, probToOriginal } from './mask-post.ts';
import { saveTrained, trainingRun } from './run.ts';
import { normTokens, type SegHeadConfig, type SegHeadModel, segHead } from './seg-head.ts';
import { cachedGrids, computeSegInputs, type SegInput } from './seg-input.ts';
import { maskMetrics } from './seg-metrics.ts';
import { groupedSplit } from './split.ts';
import type { SegmentMetrics, TrainResult, TrainSegmenterOptions } from './types.ts';

export interface SegmenterConfig extends SegHeadConfig {
  layers: FeatureLayer[];
  maskClass: string;
  encoder: ReturnType<typeof encoderInfo>;
  hyper: Record<string, number>;
  /** Training copies per image: augmentations 1..augViews (each also flipped). */
  augViews?: number;
  /** Prediction averages the image and its flip. */
  tta?: boolean;
}

/** A square binary mask at model resolution (0/1) from a mask at original size (0/1). */
export function maskToModel(
  mask: Uint8Array,
  w: number,
  h: number,
  g: SquareGeometry,
  size: number,
): Uint8Array {
  const sq = new Uint8Array(g.side * g.side);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) sq[(y + g.offsetY) * g.side + x + g.offsetX] = mask[y * w + x] ? 255 : 0;
  const r = resizeGray(sq, g.side, g.side, size, size, 'bilinear');
  return r.map((v) => (v >= 128 ? 1 : 0));
}

/**
 * Default epoch cap: about 960 Adam steps (Dice followed the number of steps, not of epochs, in
 * docs/BENCHMARKS.md), at least 32 epochs and at most 60. 150 masks: 32 epochs of 30 steps.
 */
function budgetEpochs(trainImages: number, copiesPerEpoch: number, batchSize: number): number {
  const steps = Math.max(1, Math.ceil((trainImages * copiesPerEpoch) / batchSize));
  return Math.min(60, Math.max(32, Math.ceil(960 / steps)));
}

interface Sample extends SegInput {
  id: number;
  target: Float32Array;
}

/**
 * Side of the training target: S with the stem or for small inputs (S ≤ 128, where the final
 * upsampling is cheap), else S/2 (the decoder's native resolution; upsampled at prediction).
 */
function targetSide(cfg: SegHeadConfig): number {
  return cfg.stem || cfg.size <= 128 ? cfg.size : cfg.size / 2;
}

function batchTensors(samples: Sample[], cfg: SegHeadConfig) {
  const { grid: g, size: s, dim, levels } = cfg;
  const ts = targetSide(cfg);
  const t = new Float32Array(samples.length * g * g * levels * dim);
  const im = new Float32Array(samples.length * s * s);
  const y = new Float32Array(samples.length * ts * ts);
  samples.forEach((x, i) => {
    t.set(x.grid, i * g * g * levels * dim);
    im.set(x.image, i * s * s);
    if (x.target.length) y.set(x.target, i * ts * ts);
  });
  return {
    tokens: tf.tensor4d(t, [samples.length, g, g, levels * dim]),
    image: tf.tensor4d(im, [samples.length, s, s, 1]),
    target: tf.tensor4d(y, [samples.length, ts, ts, 1]),
  };
}

export function segLoss(logits: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  const bce = tf.losses.sigmoidCrossEntropy(target, logits);
  const p = tf.sigmoid(logits);
  const inter = tf.sum(tf.mul(p, target), [1, 2, 3]);
  const den = tf.add(tf.sum(p, [1, 2, 3]), tf.sum(target, [1, 2, 3]));
  const dice = tf.mean(tf.div(tf.add(tf.mul(inter, 2), 1), tf.add(den, 1)));
  return tf.add(bce, tf.sub(1, dice)) as tf.Scalar;
}

/**
 * Logits [S×S] per input: the one implementation of segmentation-head inference. `normed`:
 * the grids are already normalised (training samples; normaliseGrids).
 */
export async function segLogits(
  head: SegHeadModel,
  cfg: SegHeadConfig,
  inputs: SegInput[],
  normed = false,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  const n = cfg.size * cfg.size;
  for (let i = 0; i < inputs.length; i += 8) {
    const part = inputs.slice(i, i + 8).map((s) => ({ ...s, id: 0, target: new Float32Array(0) }));
    const { tokens, image, target } = batchTensors(part, cfg);
    const l = head.forwardSeg(tokens, image, false, normed);
    const d = (await l.data()) as Float32Array;
    for (let j = 0; j < part.length; j++) out.push(d.slice(j * n, (j + 1) * n));
    tf.dispose([tokens, image, target, l]);
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

/**
 * Probability maps (sigmoid × 255) at model resolution S×S; with `flipped` (the same images'
 * flipped inputs) the mean of both predictions, the second flipped back.
 */
async function predictModelMasks(
  head: SegHeadModel,
  cfg: SegHeadConfig,
  inputs: SegInput[],
  flipped?: SegInput[],
  normed = false,
): Promise<Uint8Array[]> {
  const a = await segLogits(head, cfg, inputs, normed);
  const b = flipped ? await segLogits(head, cfg, flipped, normed) : null;
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  return a.map((la, i) => {
    const lb = b ? flipSquare(b[i], cfg.size) : null;
    const m = new Uint8Array(la.length);
    for (let k = 0; k < m.length; k++)
      m[k] = Math.round(255 * (lb ? (sig(la[k]) + sig(lb[k])) / 2 : sig(la[k])));
    return m;
  });
}

export { predictModelMasks };

/** Replaces each sample's raw token grid by its normalised grid, once (it never changes). */
function normaliseGrids(samples: SegInput[], cfg: SegHeadConfig): void {
  const { grid: g, levels, dim } = cfg;
  const n = g * g * levels * dim;
  for (let i = 0; i < samples.length; i += 32) {
    const part = samples.slice(i, i + 32);
    const t = new Float32Array(part.length * n);
    for (let j = 0; j < part.length; j++) t.set(part[j].grid, j * n);
    const raw = tf.tensor4d(t, [part.length, g, g, levels * dim]);
    const normed = normTokens(raw, levels, dim);
    const d = normed.dataSync() as Float32Array;
    part.forEach((x, j) => {
      x.grid = d.slice(j * n, (j + 1) * n);
    });
    tf.dispose([raw, normed]);
  }
}

/**
 * Trains the lung-mask decoder on the project's masks (images with a mask of `maskClass`),
 * with horizontal-flip augmentation from cached view-1 tokens, patient-grouped validation,
 * and metrics (Dice, IoU, HD95) on validation masks mapped back to the original geometry.
 */
export function trainSegmenter(
  project: ProjectStore,
  opts: TrainSegmenterOptions = {},
  ctl: RunControl = {},
): Promise<TrainResult> {
  return exclusive(project, async () => {
    const maskClass = opts.maskClass ?? DEFAULT_MASK_CLASS;
    const keep = opts.imageIds ? new Set(opts.imageIds) : null;
    const withMask = project.listMasks(maskClass).filter((m) => !keep || keep.has(m.imageId));
    if (withMask.length < 4)
      throw new InvalidInputError(
        `mask class '${maskClass}': need at least 4 masked images (have ${withMask.length})`,
      );
    const encoder = await getEncoder(project, opts);
    const tfInfo = await initTf();
    const seed = opts.seed ?? 0;
    const copiesPerEpoch = opts.copiesPerEpoch ?? 2;
    const batchSize = opts.batchSize ?? 8;
    return trainingRun(project, 'train-segment', { ...opts, maskClass }, ctl, async (run) => {
      const layers = segLevels(encoder.depth);
      const ids = withMask.map((m) => m.imageId);
      const inputs = new Map<number, Awaited<ReturnType<typeof modelInputFromFile>>>();
      const loader = async (id: number) => {
        if (!inputs.has(id))
          inputs.set(id, await modelInputFromFile(project.imagePath(project.getImage(id)!), encoder.card));
        return inputs.get(id)!.data;
      };
      const split = groupedSplit(
        ids.map((id) => ({ id, group: project.getImage(id)!.patientId ?? `i:${id}`, label: 0 })),
        opts.valFraction ?? 0.2,
        seed,
      );
      const size = encoder.size;
      const G = size / encoder.card.arch.patch_size;
      const dense = opts.dense ?? true;
      const augViews = dense ? (opts.augViews ?? 3) : 0;
      const tta = opts.tta ?? true;
      const cfg: SegmenterConfig = {
        size,
        grid: dense ? 2 * G : G,
        dim: encoder.dim,
        levels: layers.length,
        // Width 32 (since 2026-12-02 07:00): the grid-level convs were most of a step's
        // multiply-adds; 1.3–1.6× cheaper steps (docs/BENCHMARKS.md). Dense decoders only.
        width: opts.width ?? (dense ? 32 : 64),
        stem: opts.stem ?? false,
        ctx: opts.ctx ?? (dense ? 2 : 1),
        // Slim fusion by default (since 2026-12-02): a decoder step 1.9× cheaper, Dice 0.935 vs
        // 0.936 on 150 masks (docs/BENCHMARKS.md); `lateral: 0` gives the wide fusion back.
        branch: opts.branch ?? (dense ? 8 : 0),
        ...(dense && (opts.lateral ?? 16) ? { lateral: opts.lateral ?? 16 } : {}),
        ...(dense && (opts.fuse2 ?? 16) ? { fuse2: opts.fuse2 ?? 16 } : {}),
        dense,
        augViews,
        tta,
        layers,
        maskClass,
        encoder: encoderInfo(encoder),
        hyper: {
          // Two of the 8 copies per image per epoch: 4× fewer steps per epoch, so more (cheaper)
          // epochs. Measured on 150 masks: one copy was faster still but lost Dice (0.929 vs
          // 0.935), two kept it (0.936); docs/BENCHMARKS.md.
          epochs:
            opts.epochs ??
            (copiesPerEpoch >= 8 ? 40 : budgetEpochs(split.train.length, copiesPerEpoch, batchSize)),
          // Since 2026-12-02 07:30: rate 4e-3 decayed by a cosine over the epoch cap (width 32
          // trained at 4e-3 reached a better Dice than at 2e-3; the cosine ends it in a fixed
          // budget instead of waiting for patience; docs/BENCHMARKS.md).
          lr: opts.lr ?? 4e-3,
          batchSize,
          patience: opts.patience ?? (copiesPerEpoch > 1 ? 8 : 10),
          copiesPerEpoch,
          cosine: (opts.schedule ?? 'cosine') === 'cosine' ? 1 : 0,
          seed,
        },
      };
      const copies: Array<[number, boolean]> = [];
      for (let a = 0; a <= augViews; a++) copies.push([a, false], [a, true]);
      const viewsOf = (list: Array<[number, boolean]>) =>
        list.flatMap(([a, f]) => (dense ? denseViews(a, f) : [f ? 1 : 0]));
      const valCopies: Array<[number, boolean]> = tta
        ? [
            [0, false],
            [0, true],
          ]
        : [[0, false]];
      const f1 = await ensureFeatures(project, encoder, split.train, loader, layers, viewsOf(copies), ctl);
      const f2 = await ensureFeatures(project, encoder, split.val, loader, layers, viewsOf(valCopies), ctl);
      const feat = { ms: f1.ms + f2.ms, computed: f1.computed + f2.computed, cached: f1.cached + f2.cached };
      const t1 = performance.now();
      const truth = new Map<number, { mask: Uint8Array; w: number; h: number }>();
      const fill = blackLevel(encoder);
      const samples = async (list: number[], aug: number, flip: boolean): Promise<Sample[]> => {
        const grids = cachedGrids(project, encoder, list, cfg, aug, flip);
        const out: Sample[] = [];
        for (let i = 0; i < list.length; i++) {
          const id = list[i];
          await loader(id);
          const inp = inputs.get(id)!;
          if (!truth.has(id)) {
            const dm = await decodeMaskPng(project.getMask(id, maskClass)!.png, `mask of image ${id}`);
            truth.set(id, { mask: dm.data, w: dm.width, h: dm.height });
          }
          const t = truth.get(id)!;
          const ts = targetSide(cfg);
          const tgt = augMask(maskToModel(t.mask, t.w, t.h, inp.geometry, ts), ts, id, aug, flip);
          out.push({
            id,
            grid: grids[i],
            image: augInput(inp.data, size, id, aug, flip, fill),
            target: Float32Array.from(tgt),
          });
        }
        return out;
      };
      const train: Sample[] = [];
      for (const [a, f] of copies) train.push(...(await samples(split.train, a, f)));
      const val = await samples(split.val, 0, false);
      const valFlipped = tta ? await samples(split.val, 0, true) : undefined;
      // Profiled: the per-cell token normalisation was ~10 % of a step; it is fixed, so done once.
      for (const set of [train, val, valFlipped ?? []]) normaliseGrids(set, cfg);
      const nCopies = copies.length;
      const perEpoch = Math.max(1, Math.min(nCopies, copiesPerEpoch));
      const head = run.own(segHead(cfg, seed));
      const half = targetSide(cfg) < cfg.size;
      const evalLoss = async (set: Sample[]) => {
        let s = 0;
        for (let i = 0; i < set.length; i += 8) {
          const b = batchTensors(set.slice(i, i + 8), cfg);
          const l = tf.tidy(() => segLoss(head.forwardSeg(b.tokens, b.image, half, true), b.target));
          s += (await l.data())[0] * Math.min(8, set.length - i);
          tf.dispose([b.tokens, b.image, b.target, l]);
        }
        return s / Math.max(1, set.length);
      };
      const rand = mulberry32(seed);
      const n = split.train.length;
      const { history } = await epochLoop(
        {
          epochs: cfg.hyper.epochs,
          lr: cfg.hyper.lr,
          patience: cfg.hyper.patience,
          ...(cfg.hyper.cosine ? { lrAt: cosineLr(cfg.hyper.lr, cfg.hyper.epochs) } : {}),
          vars: head.vars,
          hasVal: true,
          batches: () => {
            // train[c·n + i] is copy c of image i; each epoch draws `perEpoch` copies per image.
            const picked: number[] = [];
            for (let i = 0; i < n; i++)
              for (const c of shuffle([...Array(nCopies).keys()], rand).slice(0, perEpoch))
                picked.push(c * n + i);
            const order = shuffle(picked, rand);
            const out: number[][] = [];
            for (let i = 0; i < order.length; i += cfg.hyper.batchSize)
              out.push(order.slice(i, i + cfg.hyper.batchSize));
            return out;
          },
          step: (idx) => {
            const b = batchTensors(
              idx.map((k) => train[k]),
              cfg,
            );
            return {
              loss: () => segLoss(head.forwardSeg(b.tokens, b.image, half, true), b.target),
              dispose: () => tf.dispose([b.tokens, b.image, b.target]),
            };
          },
          // Without validation masks the training loss decides the best epoch.
          valLoss: async (trainLoss) => (val.length ? await evalLoss(val) : trainLoss),
        },
        ctl,
      );
      const t2 = performance.now();
      const preds = await predictModelMasks(head, cfg, val, valFlipped, true);
      const perImage = val.map((s, i) => {
        const t = truth.get(s.id)!;
        const g = inputs.get(s.id)!.geometry;
        const pm = toOriginalMask(preds[i], cfg, g);
        return {
          imageId: s.id,
          source: project.getImage(s.id)!.source,
          ...maskMetrics(pm, t.mask, t.w, t.h),
        };
      });
      const metrics = segReport(perImage);
      const timings = {
        featuresMs: Math.round(feat.ms),
        trainMs: Math.round(t2 - t1),
        evalMs: Math.round(performance.now() - t2),
      };
      return saveTrained(
        project,
        run,
        {
          name: opts.name ?? `lung decoder ${new Date().toISOString().slice(0, 16)}`,
          kind: 'segment',
          head: 'segdecoder',
          encoderId: encoder.id,
          task: maskClass,
          config: { ...cfg, trainImages: split.train.length, valImages: split.val.length },
          weights: writeSafetensors(headWeights(head), { config: JSON.stringify(cfg) }),
        },
        {
          head: 'segdecoder',
          classes: [maskClass],
          trainImages: split.train.length,
          valImages: split.val.length,
          metrics,
          history,
          timings,
          features: { computed: feat.computed, cached: feat.cached },
          backend: tfInfo.backend,
          provider: encoder.provider,
        },
        ctl,
      );
    });
  });
}

/** Probability map → binary mask at the original geometry, cleaned up for lung masks. */
function toOriginalMask(prob: Uint8Array, cfg: SegmenterConfig, g: SquareGeometry): Uint8Array {
  const m = probToOriginal(prob, cfg.size, g);
  return cfg.maskClass === DEFAULT_MASK_CLASS ? cleanLungMask(m, g.width, g.height) : m;
}

export function segReport(
  perImage: Array<{
    imageId?: number;
    file?: string;
    source?: string | null;
    dice: number;
    iou: number;
    hd95: number;
  }>,
): SegmentMetrics {
  const mean = (xs: number[]) => {
    const v = xs.filter((x) => Number.isFinite(x));
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
  };
  const perSource: SegmentMetrics['perSource'] = {};
  const groups = new Map<string, typeof perImage>();
  for (const p of perImage)
    groups.set(p.source ?? '(none)', [...(groups.get(p.source ?? '(none)') ?? []), p]);
  for (const [k, g] of groups)
    perSource[k] = {
      n: g.length,
      dice: mean(g.map((p) => p.dice)),
      iou: mean(g.map((p) => p.iou)),
      hd95: mean(g.map((p) => p.hd95)),
    };
  return {
    n: perImage.length,
    dice: mean(perImage.map((p) => p.dice)),
    iou: mean(perImage.map((p) => p.iou)),
    hd95: mean(perImage.map((p) => p.hd95)),
    perImage: perImage.map(({ source: _s, ...rest }) => rest),
    perSource,
  };
}

/** A saved segmenter, ready to predict masks at original geometry. */
export interface LoadedSegmenter {
  config: SegmenterConfig;
  /**
   * Masks (0/255) at each image's original size; `prob` is the probability map (0–255) at model
   * resolution and `geometry` maps it back (for uncertainty maps).
   */
  predictFiles(
    encoder: Encoder,
    files: string[],
  ): Promise<
    Array<{ mask: Uint8Array; width: number; height: number; prob: Uint8Array; geometry: SquareGeometry }>
  >;
  dispose(): void;
}

export function loadSegmenter(cfg: SegmenterConfig, weights: Uint8Array): LoadedSegmenter {
  const head = segHead(cfg, 0);
  loadHeadWeights(head, parseSafetensors(weights, 'segmenter weights').tensors);
  return {
    config: cfg,
    async predictFiles(encoder, files) {
      const out: Awaited<ReturnType<LoadedSegmenter['predictFiles']>> = [];
      for (let i = 0; i < files.length; i += encoder.batchSize) {
        const inp = await Promise.all(
          files.slice(i, i + encoder.batchSize).map((f) => modelInputFromFile(f, encoder.card)),
        );
        const xs = inp.map((x) => x.data);
        const masks = await predictModelMasks(
          head,
          cfg,
          await computeSegInputs(encoder, xs, cfg, false),
          cfg.tta ? await computeSegInputs(encoder, xs, cfg, true) : undefined,
        );
        for (let j = 0; j < masks.length; j++) {
          out.push({
            mask: toOriginalMask(masks[j], cfg, inp[j].geometry),
            width: inp[j].width,
            height: inp[j].height,
            prob: masks[j],
            geometry: inp[j].geometry,
          });
        }
      }
      return out;
    },
    dispose: () => disposeHead(head),
  };
}

export { encodeGrayPng };
