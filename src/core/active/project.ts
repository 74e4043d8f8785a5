import { matrixRows, readFeatureMatrix } from '../model/features.ts';
import { ensurePoolFeatures } from '../model/pool-features.ts';
import type { FeatureLayer, RunControl } from '../model/types.ts';
import { DEFAULT_MASK_CLASS, DEFAULT_TASK, type ProjectStore } from '../store/types.ts';
import { initTf } from '../train/backend.ts';
import { loadClassifier } from '../train/classifier.ts';
import { trainClassifier } from '../train/classify.ts';
import { getEncoder } from '../train/engine.ts';
import { classifierConfig } from '../train/model-config.ts';
import { boundPool, type PoolBounds } from './candidate-pool.ts';
import { decodeRows, PoolSpace, type ResidentFeatures, rowsOf } from './resident.ts';
import { suggest } from './suggest.ts';
import {
  type ActiveTask,
  type ClassProbs,
  type MaskStats,
  needsModel,
  type ServeHistory,
  type StrategyName,
  type Suggestion,
  type SuggestResult,
} from './types.ts';
import { DISTANCE_DIMS } from './vectors.ts';

export interface ProjectSuggestOptions {
  task?: ActiveTask;
  strategy?: StrategyName;
  n?: number;
  /** Label task name in the store (default 'default'); masks use `maskClass` (default 'lung'). */
  labelTask?: string;
  maskClass?: string;
  encoderDir?: string;
  /** Train a classifier when none matches the current labels (default true). */
  train?: boolean;
  /** Record the returned images as served, so the next pass offers others first. */
  markServed?: boolean;
  /** Seeds the picks (k-means, random, cold start) and the classifier trained on the way (1). */
  seed?: number;
  /** Candidate-pool bounds for distance-based strategies (see candidate-pool.ts). */
  poolBounds?: PoolBounds;
  /** Probability maps of a segmentation model, when one exists (see mask-probs.ts). */
  maskStats?: (imageIds: number[]) => Promise<Map<number, MaskStats> | null>;
  /** Feature matrices kept between passes (the ML worker's); without it every pass reads the cache. */
  resident?: ResidentFeatures;
  /** The model registry (`core/app/models.ts`), injected by the caller: which classifier the
   * user works with, and what happens to a probe this pass trains (the promotion rule). */
  registry?: { activeClassifier(): number | null; trained(modelId: number): void };
  /** Images never suggested in this pass (e.g. non-chest images for lung masks). */
  exclude?: ReadonlySet<number>;
}

export interface ProjectSuggestion extends Suggestion {
  imageNumber: number;
  /** Where the pixels are read from (managed copy or referenced original). */
  path: string;
  /** The file the image was imported from. */
  originalPath: string;
}

export interface ProjectSuggestResult extends Omit<SuggestResult, 'suggestions'> {
  suggestions: ProjectSuggestion[];
  labelled: number;
  modelId: number | null;
  /** True when this call trained the classifier it used. */
  trained: boolean;
  /** Where the pass spent its time: image rows, features, classifier, strategy (and its row reads). */
  ms: { rows: number; features: number; model: number; suggest: number };
}

/** Enough labels for the engine's classifier: two classes present and four images. */
function canTrain(counts: Map<string, number>): boolean {
  const present = [...counts.values()].filter((c) => c > 0);
  return present.length >= 2 && present.reduce((a, b) => a + b, 0) >= 4;
}

/**
 * A suggestion pass over a project: computes missing features, uses (or trains, when labels
 * changed since) the newest classifier, and returns explained suggestions with image paths.
 */
export async function suggestForProject(
  store: ProjectStore,
  o: ProjectSuggestOptions = {},
  ctl: RunControl = {},
): Promise<ProjectSuggestResult> {
  const task = o.task ?? 'classify';
  const labelTask = o.labelTask ?? DEFAULT_TASK;
  const maskClass = o.maskClass ?? DEFAULT_MASK_CLASS;
  const tRows = performance.now();
  const rowsOfPool = withoutRows(store.poolRows(labelTask), o.exclude);
  const { ids } = rowsOfPool;
  if (ids.length === 0) throw new Error(`project ${store.dir} has no images; run 'spcxr import' first`);
  const classes = store.listClasses('image', labelTask).map((c) => c.name);
  const masked = new Set(store.listMasks(maskClass).map((m) => m.imageId));
  const labelledIdx = new Set<number>();
  const counts = new Map(classes.map((c) => [c, 0]));
  ids.forEach((id, i) => {
    const label = rowsOfPool.labels[i];
    if (task === 'segment' ? masked.has(id) : label !== null && classes.includes(label)) labelledIdx.add(i);
    if (label !== null && counts.has(label)) counts.set(label, counts.get(label)! + 1);
  });

  const t0 = performance.now();
  const encoder = await getEncoder(store, { encoderDir: o.encoderDir });
  // pooled3 (the small-set linear head's input) comes from the same encoder pass: caching it now
  // lets the classifier below score every candidate without a second pass.
  const kept = o.resident;
  if (!kept?.ensured(store, encoder.id, ids)) {
    await ensurePoolFeatures(store, encoder, ids, ctl);
    kept?.markEnsured(store, encoder.id, ids);
  }
  // From memory when the worker keeps the matrix (float16, decoded a block at a time), else one
  // float32 streaming pass over the cache; the classifier scores from the same rows.
  const layerRows = (encoderId: string, layer: FeatureLayer): FeatureRows => {
    const m = kept?.get(store, encoderId, layer);
    const rows = m && rowsOf(m, ids);
    if (m && rows) return { dim: m.dim, block: (a, b) => decodeRows(m, rows, a, b) };
    const f = readFeatureMatrix(store, encoderId, ids, layer);
    return { dim: f.dim, data: f.data, block: (a, b) => f.data.subarray(a * f.dim, b * f.dim) };
  };
  const pooledKept = kept?.get(store, encoder.id, 'pooled') ?? null;
  // Pool row → resident row, when the distance space can come from the resident projection.
  const keptRows = pooledKept && rowsOf(pooledKept, ids);
  const mat: FeatureRows =
    pooledKept && keptRows
      ? { dim: pooledKept.dim, block: (a, b) => decodeRows(pooledKept, keptRows, a, b) }
      : layerRows(encoder.id, 'pooled');
  // Empty with a resident space: the strategies then read only the projection.
  const { dim } = mat;
  const embeddings = mat.data ?? new Float32Array(0);
  const t1 = performance.now();

  let classProbs: ClassProbs | undefined;
  let maskStats: (MaskStats | null)[] | undefined;
  let modelId: number | null = null;
  let trained = false;
  const strategy = o.strategy ?? 'hybrid';
  const wantsModel = needsModel(strategy);
  if (task === 'classify' && labelledIdx.size > 0 && wantsModel && canTrain(counts)) {
    // The classifier the user works with: the task's active one when it fits this encoder and
    // label task, else the newest that does.
    const fits = (m: { task: string; encoderId: string } | null) =>
      m !== null && m.task === labelTask && m.encoderId === encoder.id;
    const activeId = o.registry?.activeClassifier() ?? null;
    const active = activeId === null ? null : store.getModel(activeId);
    let row = fits(active)
      ? active
      : (store
          .listModels({ kind: 'classify', task: labelTask, encoderId: encoder.id, archived: false })
          .at(-1) ?? null);
    const newest = store
      .getLabels(labelTask)
      .map((l) => l.updatedAt)
      .sort()
      .at(-1);
    // A stale linear probe is refreshed (cheap); a head the user chose and trained (attentive,
    // last blocks) is never replaced behind their back by a linear one.
    const stale = row !== null && newest !== undefined && row.createdAt < newest && row.head === 'linear';
    if ((!row || stale) && o.train !== false) {
      const r = await trainClassifier(
        store,
        { task: labelTask, head: 'linear', encoderDir: o.encoderDir, seed: o.seed },
        ctl,
      );
      // Like any retrain: it takes over only if it is not worse than the active model.
      o.registry?.trained(r.modelId);
      row = store.getModel(r.modelId);
      trained = true;
    }
    if (row) {
      const weights = store.getModelWeights(row.id);
      if (!weights) throw new Error(`model ${row.id} has no stored weights`);
      await initTf();
      const m = loadClassifier(classifierConfig(row), weights);
      try {
        const same = m.config.layer === 'pooled' && m.config.encoder.id === encoder.id;
        const rows = scoreRows(m, same ? mat : layerRows(m.config.encoder.id, m.config.layer), ids.length);
        classProbs = { classes: m.config.classes, probs: Float32Array.from(rows.flat()) };
        // Only a threshold the user chose moves the ranking; training's own choice leaves it as it was.
        const chosen = (row.config as { thresholdChoice?: unknown }).thresholdChoice !== undefined;
        if (chosen && m.config.positive !== null && m.config.threshold !== null)
          classProbs.threshold = { positive: m.config.positive, value: m.config.threshold };
        modelId = row.id;
      } finally {
        m.dispose();
      }
    }
  } else if (task === 'segment' && labelledIdx.size > 0 && wantsModel) {
    const unl = ids.filter((_, i) => !labelledIdx.has(i));
    let stats: Map<number, MaskStats> | null = null;
    if (o.maskStats) stats = await o.maskStats(unl);
    else {
      // The task's active segmenter when it fits this encoder, else the newest that does.
      const activeId = store.resolveActiveModelId('segment');
      const active = activeId === null ? null : store.getModel(activeId);
      const row =
        active?.encoderId === encoder.id
          ? active
          : store.listModels({ kind: 'segment', encoderId: encoder.id, archived: false }).at(-1);
      if (row) {
        const { segmenterMaskStats } = await import('./mask-probs.ts');
        stats = await segmenterMaskStats(store, row, encoder, unl, ctl);
        modelId = row.id;
      }
    }
    if (stats) maskStats = ids.map((id) => stats.get(id) ?? null);
  }
  const t2 = performance.now();

  const history = new Map<string, ServeHistory>();
  // The whole (small) table: it holds served and skipped images only, and filtering by 50k ids
  // in SQL costs more than reading it.
  const active = new Set(ids);
  for (const a of store.getAlState()) {
    if (!active.has(a.imageId)) continue;
    history.set(String(a.imageId), {
      servedAt: a.lastServedAt ? Date.parse(a.lastServedAt) : undefined,
      skippedAt: a.lastSkippedAt ? Date.parse(a.lastSkippedAt) : undefined,
      skipCount: a.skippedCount,
    });
  }
  const hasModel = task === 'classify' ? Boolean(classProbs) : Boolean(maskStats);
  const effective = wantsModel && !hasModel ? 'coldstart' : strategy;
  const bounded = boundPool(
    effective,
    {
      pool: { ids: ids.map(String), dim, embeddings, sources: rowsOfPool.sources },
      labelled: labelledIdx,
      classProbs,
      maskStats,
    },
    o.seed ?? 1,
    o.poolBounds,
  );
  const raw = suggest({
    pool: bounded.pool,
    labelled: bounded.labelled,
    task,
    strategy,
    n: o.n ?? 10,
    classProbs: bounded.classProbs,
    maskStats: bounded.maskStats,
    history,
    seed: o.seed,
    space: keptRows
      ? new PoolSpace(
          pooledKept!.space(DISTANCE_DIMS),
          bounded.index.map((i) => keptRows[i]),
        )
      : undefined,
  });
  const res = {
    ...raw,
    suggestions: raw.suggestions.map((x) => ({ ...x, index: bounded.index[x.index] })),
  };
  if (res.used === 'coldstart' && task === 'classify' && labelledIdx.size > 0 && !canTrain(counts)) {
    const have = [...counts].map(([c, n]) => `${c} ${n}`).join(', ');
    res.fallback = `a classifier needs labels of two classes and four images (have ${have}): cold start picks typical images from unlabelled groups`;
  } else if (res.used === 'coldstart' && task === 'segment' && labelledIdx.size > 0 && wantsModel) {
    res.fallback =
      "no segmentation model for this encoder yet (run 'spcxr train DIR --task segment'): cold start picks typical images from unmasked groups";
  }
  if (o.markServed) for (const s of res.suggestions) store.markServed(Number(s.imageId));
  const t3 = performance.now();
  return {
    ...res,
    suggestions: res.suggestions.map((s) => {
      const img = store.getImage(ids[s.index])!;
      return {
        ...s,
        imageNumber: Number(s.imageId),
        path: store.imagePath(img),
        originalPath: img.originalPath,
      };
    }),
    labelled: labelledIdx.size,
    modelId,
    trained,
    ms: {
      rows: Math.round(t0 - tRows),
      features: Math.round(t1 - t0),
      model: Math.round(t2 - t1),
      suggest: Math.round(t3 - t2),
    },
  };
}

/** A pass's feature rows: a float32 matrix, or blocks decoded on demand from the resident one. */
interface FeatureRows {
  dim: number;
  data?: Float32Array;
  /** Rows [from, to) as float32, row-major. */
  block(from: number, to: number): Float32Array;
}

/** Scores every row of a pooled feature matrix, in chunks (no second read of the cache). */
function scoreRows(
  m: { score(f: ReturnType<typeof matrixRows>): number[][] },
  mat: FeatureRows,
  n: number,
): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i += 1000) {
    const to = Math.min(n, i + 1000);
    out.push(...m.score(matrixRows({ dim: mat.dim, data: mat.block(i, to) }, 0, to - i)));
  }
  return out;
}

function withoutRows<T extends { ids: number[]; labels: unknown[]; sources: unknown[] }>(
  rows: T,
  exclude: ReadonlySet<number> | undefined,
): T {
  if (!exclude?.size) return rows;
  const keep = rows.ids.map((id, i) => (exclude.has(id) ? -1 : i)).filter((i) => i >= 0);
  return {
    ...rows,
    ids: keep.map((i) => rows.ids[i]),
    labels: keep.map((i) => rows.labels[i]),
    sources: keep.map((i) => rows.sources[i]),
  };
}
