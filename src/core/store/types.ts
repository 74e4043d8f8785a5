import { InvalidInputError } from '../errors.ts';
import type { ClassEvent, ClassImpact, ClassOp, ClassOpResult } from './class-types.ts';
import type { PoolRows } from './pool-rows.ts';
import type { AuthorStats, ReviewRow } from './reviews.ts';
/**
 * Project store contract. A project is a folder:
 *
 *   DIR/project.sqlite (+ -wal, -shm)  images, label schema, labels + history, masks + history,
 *                                      models, training runs, predictions, thumbnails, AL state,
 *                                      settings. Small (no feature tensors), so the full
 *                                      integrity check on open stays fast.
 *   DIR/images/ab/<sha256>.<ext>       managed copies, keyed by the sha256 of the file bytes
 *                                      (absent for images imported with `reference: true`).
 *   DIR/cache/features.sqlite          feature cache (encoder tokens): large and disposable,
 *                                      a separate database so it can be deleted or rebuilt
 *                                      without touching labels.
 *   DIR/models/                        optional large weight files (`weightsPath`).
 *
 * All methods are synchronous (better-sqlite3) and every write runs in one transaction, so a
 * process killed at any moment leaves either the old or the new state, never half of it.
 */

export const PROJECT_DB = 'project.sqlite';
export const IMAGES_DIR = 'images';
export const CACHE_DIR = 'cache';
export const FEATURES_DB = 'cache/features.sqlite';
export const MODELS_DIR = 'models';

/** The label task used when a caller does not name one (image-level classification). */
export const DEFAULT_TASK = 'default';
/** The mask class every new project has. */
export const DEFAULT_MASK_CLASS = 'lung';
/** Manifest/CLI label values that mean "no label". */
export const UNLABELLED_VALUES: ReadonlySet<string> = new Set(['', 'unknown']);

export type Split = 'train' | 'val' | 'test';
export type ImageStatus = 'active' | 'excluded';
export type Storage = 'copy' | 'reference';
/**
 * Who made a label or mask: a person, a model suggestion a person accepted, or an import of
 * existing annotations (manifest). Engines treat all three as ground truth; reports can split.
 */
export type AnnotationSource = 'human' | 'accepted_suggestion' | 'import';
export type ClassKind = 'image' | 'mask';
export type ModelKind = 'classify' | 'segment';
export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ProjectInfo {
  dir: string;
  name: string;
  createdAt: string;
  schemaVersion: number;
}

export interface CreateProjectOptions {
  name?: string;
  /** Image classes of the default task, e.g. ['normal', 'pneumonia']. */
  classes?: string[];
  /** Mask classes; default ['lung']. */
  maskClasses?: string[];
}

export interface OpenProjectOptions {
  /** Skip the integrity check (tests of the check itself, doctor's own reporting). */
  skipIntegrityCheck?: boolean;
  readonly?: boolean;
}

export type { ClassEvent, ClassImpact, ClassOp, ClassOpResult } from './class-types.ts';
export { ClassConfirmError } from './class-types.ts';

export interface ClassRow {
  id: number;
  name: string;
  kind: ClassKind;
  /** Image classes belong to a task (one current label per image and task). */
  task: string;
  color: string | null;
  position: number;
}

export interface ImageRow {
  id: number;
  sha256: string;
  /** Absolute path the image was imported from. */
  originalPath: string;
  /** Path relative to the project folder (managed copy), or null when referenced in place. */
  storedPath: string | null;
  storage: Storage;
  format: string;
  width: number;
  height: number;
  bits: number;
  fileSize: number;
  /** Imaging metadata (DICOM UIDs, modality, view, age, sex…) plus extra manifest columns. */
  meta: Record<string, unknown>;
  patientId: string | null;
  source: string | null;
  split: Split | null;
  status: ImageStatus;
  /** Flagged for a second look (a column, so the grid can filter on it). */
  needsReview: boolean;
  addedAt: string;
}

/**
 * Where an image stands in the grid (default task): needs-review wins, then a label, then a
 * prediction of the grid model ('suggested'), else unlabelled.
 */
export type GridState = 'unlabelled' | 'labelled' | 'suggested' | 'needs-review';

/** An image with its current label in the requested task (null when unlabelled). */
export interface ImageListItem extends ImageRow {
  label: string | null;
  hasMask: boolean;
  /** Source of the default task's label (null when unlabelled). */
  labelSource: AnnotationSource | null;
  gridState: GridState;
  /** Top probability of the grid model's prediction, null without one. */
  confidence: number | null;
  /** Active-learning score of the last suggestion pass. */
  alScore: number | null;
}

export interface NewImage {
  sha256: string;
  originalPath: string;
  storedPath: string | null;
  format: string;
  width: number;
  height: number;
  bits: number;
  fileSize: number;
  meta?: Record<string, unknown>;
  patientId?: string | null;
  source?: string | null;
  split?: Split | null;
  /** Optional thumbnail (encoded image bytes) stored with the row in the same transaction. */
  thumbnail?: { data: Uint8Array; mime: string; width: number; height: number };
}

export interface AddImageResult {
  id: number;
  /** False when an image with the same sha256 already existed (idempotent import). */
  created: boolean;
}

export interface ImageFilter {
  task?: string;
  /** Class name; `null` selects unlabelled images in `task`. */
  label?: string | null;
  labelled?: boolean;
  status?: ImageStatus;
  source?: string;
  split?: Split | null;
  patientId?: string;
  hasMask?: boolean;
  ids?: number[];
  /**
   * Grid state (default task). 'unlabelled' selects every image without a label that is not
   * flagged, predicted or not: a prediction does not label an image.
   */
  state?: GridState;
  /** Case-insensitive substring of the file name. */
  search?: string;
  /** Images whose label (in `task`) or any mask was last written by this person. */
  author?: string;
}

export interface ListOptions extends ImageFilter {
  /**
   * 'score': unlabelled images first, then highest active-learning score ('asc' flips the score
   * only); 'confidence': least sure first by default. Both put images without a value last.
   */
  sort?: 'id' | 'added' | 'path' | 'name' | 'label' | 'patient' | 'score' | 'confidence';
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
  /** Keyset paging: the last image id of the previous page (offset is then ignored). */
  after?: number;
}

/** Project counts the UI shows, read from counters that triggers keep current (O(1)). */
export interface GridCounts {
  /** Active images. */
  images: number;
  byState: Record<GridState, number>;
  /** Active images per class id of the default task. */
  byClassId: Record<number, number>;
  /** All images per source ('(none)' for no source). */
  bySource: Record<string, number>;
  masks: number;
  /** Masks per mask class id. */
  masksByClassId: Record<number, number>;
}

export interface Page<T> {
  total: number;
  items: T[];
}

export interface LabelWrite {
  imageId: number;
  task?: string;
  /** Class name; must exist in the schema for the task. */
  label: string;
  author: string;
  source: AnnotationSource;
  /** Time spent on this annotation, when the UI measured it. */
  durationMs?: number;
}

export interface LabelRow {
  imageId: number;
  task: string;
  label: string;
  author: string;
  source: AnnotationSource;
  updatedAt: string;
}

/** One entry of the append-only history. `label` null = the label was cleared. */
export interface LabelEvent {
  id: number;
  imageId: number;
  task: string;
  label: string | null;
  previous: string | null;
  author: string;
  source: AnnotationSource;
  durationMs: number | null;
  at: string;
}

export interface MaskWrite {
  imageId: number;
  /** Mask class name; default 'lung'. */
  maskClass?: string;
  /** Compressed raster: PNG (gray 8-bit, 0 = background, >0 = inside) at the image's size. */
  png: Uint8Array;
  author: string;
  source: AnnotationSource;
  durationMs?: number;
}

export interface MaskRow {
  imageId: number;
  maskClass: string;
  png: Buffer;
  width: number;
  height: number;
  author: string;
  source: AnnotationSource;
  updatedAt: string;
}

export interface MaskEvent {
  id: number;
  imageId: number;
  maskClass: string;
  /** Null when the mask was cleared. */
  png: Buffer | null;
  author: string;
  source: AnnotationSource;
  durationMs: number | null;
  at: string;
}

export interface NewModel {
  name: string;
  kind: ModelKind;
  /** e.g. 'linear', 'attentive', 'lastk', 'segdecoder'. */
  head: string;
  /** sha256 of the encoder ONNX file the head was trained on. */
  encoderId: string;
  task?: string;
  config?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  history?: unknown[];
  /** Small heads: stored in the database. */
  weights?: Uint8Array;
  /** Large weights: a path relative to the project folder (under models/). */
  weightsPath?: string;
  runId?: number;
}

export interface ModelFilter {
  kind?: ModelKind;
  task?: string;
  encoderId?: string;
  /** true: only archived; false: only not archived; absent: all. */
  archived?: boolean;
}

export interface ModelRow extends Omit<NewModel, 'weights'> {
  id: number;
  task: string;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  history: unknown[];
  hasWeights: boolean;
  createdAt: string;
  /** Set when the user archived the model (hidden from lists, never active). */
  archivedAt: string | null;
}

export interface RunRow {
  id: number;
  kind: string;
  status: RunStatus;
  modelId: number | null;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  /** Wall times by phase, e.g. { featuresMs, trainMs, evalMs }. */
  timings: Record<string, number>;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface RunWrite {
  /** Omit to create a run; give to update it. */
  id?: number;
  kind: string;
  status: RunStatus;
  modelId?: number | null;
  config?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  timings?: Record<string, number>;
  error?: string | null;
}

export interface PredictionWrite {
  imageId: number;
  /** Class name → probability (classification). */
  probs?: Record<string, number>;
  /** PNG mask (segmentation), at the image's size. */
  mask?: Uint8Array;
  /** PNG of the per-pixel binary entropy (0 = sure, 255 = p of 0.5), at the image's size. */
  uncertainty?: Uint8Array;
  /** Summary of the segmenter's probability map (active learning's MaskStats). */
  maskStats?: Record<string, number>;
}

export interface PredictionRow {
  modelId: number;
  imageId: number;
  probs: Record<string, number> | null;
  mask: Buffer | null;
  uncertainty: Buffer | null;
  maskStats: Record<string, number> | null;
  createdAt: string;
}

export type FeatureDtype = 'float32' | 'float16';

/** Key of one cached tensor: image × encoder (sha256 of the ONNX) × layer × augmented view. */
export interface FeatureKey {
  imageId: number;
  encoderId: string;
  /** ONNX output name, e.g. 'block12' or 'final'. */
  layer: string;
  /** 0 = the canonical (unaugmented) view. */
  view?: number;
}

export interface FeatureEntry extends FeatureKey {
  dtype: FeatureDtype;
  shape: number[];
  /** Raw little-endian tensor bytes. */
  data: Uint8Array;
}

export interface AlState {
  imageId: number;
  servedCount: number;
  skippedCount: number;
  lastServedAt: string | null;
  lastSkippedAt: string | null;
}

export interface ClassCount {
  task: string;
  label: string | null;
  count: number;
}

export interface ProjectCounts {
  images: number;
  byStatus: Record<ImageStatus, number>;
  bySource: Record<string, number>;
  bySplit: Record<string, number>;
  /** Per task and class, plus `label: null` for unlabelled (active images only). */
  labels: ClassCount[];
  masks: Record<string, number>;
}

export interface IntegrityProblem {
  kind: 'sqlite' | 'foreign_key' | 'missing_file' | 'missing_reference' | 'orphan_files' | 'features';
  message: string;
  imageId?: number;
  path?: string;
}

export interface IntegrityReport {
  ok: boolean;
  /** Problems that make the project unsafe to use (corrupt database, missing managed copies). */
  errors: IntegrityProblem[];
  /** Problems the user can fix (a referenced original moved away). */
  warnings: IntegrityProblem[];
  checkedImages: number;
  ms: number;
}

/** Thrown by openProject when the check fails; the message names the project folder. */
export class ProjectError extends InvalidInputError {
  constructor(
    readonly dir: string,
    message: string,
    readonly report?: IntegrityReport,
  ) {
    super(`project ${dir}: ${message}`);
    this.name = 'ProjectError';
  }
}

/** The store's public API. `openProject` / `createProject` (in `./index.ts`) return one. */
export interface ProjectStore {
  readonly dir: string;
  readonly info: ProjectInfo;
  /** Result of the integrity check run on open (null when skipped). */
  readonly openReport: IntegrityReport | null;
  close(): void;
  /**
   * Runs fn in one transaction (store calls inside it nest as savepoints): for callers that
   * must commit several writes together, e.g. an import batch of images, labels and masks.
   */
  transaction<T>(fn: () => T): T;

  // images
  addImage(img: NewImage): AddImageResult;
  findImageBySha(sha256: string): ImageRow | null;
  getImage(id: number): ImageRow | null;
  listImages(opts?: ListOptions): Page<ImageListItem>;
  /** Id, label and source of every active image, in id order (what a suggestion pass reads). */
  poolRows(task?: string): PoolRows;
  /** Absolute path of the pixels: the managed copy, or the original when referenced. */
  imagePath(img: ImageRow): string;
  updateImage(
    id: number,
    patch: Partial<Pick<ImageRow, 'patientId' | 'source' | 'split' | 'status' | 'meta'>>,
  ): void;
  /**
   * Removes images with their labels, masks, predictions, AL state and cached features (history
   * included: this is "remove from project", not an edit). Managed copies are deleted after the
   * commit; originals of referenced images are never touched. Returns how many rows went.
   */
  deleteImages(ids: number[]): number;
  getThumbnail(imageId: number): { data: Buffer; mime: string; width: number; height: number } | null;
  /** Thumbnails of many images in one query (the grid's batch), with each image's sha256; absent ids are left out. */
  getThumbnails(imageIds: number[]): Array<{ id: number; sha256: string; mime: string; data: Buffer }>;
  setThumbnail(
    imageId: number,
    thumb: { data: Uint8Array; mime: string; width: number; height: number },
  ): void;

  // label schema
  listClasses(kind?: ClassKind, task?: string): ClassRow[];
  /** Adds the class if absent; returns it either way. */
  addClass(name: string, kind?: ClassKind, task?: string, color?: string | null, author?: string): ClassRow;
  renameClass(id: number, name: string): void;
  /** What a class operation would change (labels moved or cleared, masks cleared). */
  classImpact(op: ClassOp): ClassImpact;
  /**
   * Applies a class operation with its event. When it changes labels or masks, `confirm` must
   * equal the impact, else `ClassConfirmError` (nothing changes).
   */
  applyClassOp(op: ClassOp, author: string, confirm?: ClassImpact): ClassOpResult;
  /** Undoes the newest class operation not undone yet. */
  undoClassOp(author: string): { undone: ClassEvent; restored: number; kept: number };
  /** Class events, newest first. */
  listClassEvents(limit?: number): ClassEvent[];

  // reviews (a second person's answer on a label; see reviews.ts)
  addReview(r: {
    imageId: number;
    task?: string;
    label: string;
    author: string;
    durationMs?: number;
  }): ReviewRow;
  listReviews(task?: string): ReviewRow[];
  reviewCandidates(author: string, task?: string): number[];
  authorStats(task?: string): AuthorStats[];
  /** Everyone who wrote a current label (in `task`) or mask, by name. */
  listAuthors(task?: string): string[];

  // labels (current + append-only history, both written in one transaction)
  setLabel(w: LabelWrite): LabelRow;
  clearLabel(imageId: number, author: string, task?: string, source?: AnnotationSource): void;
  getLabel(imageId: number, task?: string): LabelRow | null;
  /** Flags or unflags an image for review; false when it already was in that state. */
  setNeedsReview(imageId: number, flag: boolean): boolean;
  /** Current labels of a task for many images (training sets), by image id. */
  getLabels(task?: string): LabelRow[];
  getLabelHistory(imageId: number, task?: string): LabelEvent[];

  // masks
  setMask(w: MaskWrite): MaskRow;
  clearMask(imageId: number, author: string, maskClass?: string, source?: AnnotationSource): void;
  getMask(imageId: number, maskClass?: string): MaskRow | null;
  listMasks(maskClass?: string): Array<Omit<MaskRow, 'png'>>;
  getMaskHistory(imageId: number, maskClass?: string): MaskEvent[];

  // models and runs
  saveModel(m: NewModel): ModelRow;
  getModel(id: number): ModelRow | null;
  getModelWeights(id: number): Buffer | null;
  listModels(filter?: ModelFilter): ModelRow[];
  deleteModel(id: number): void;
  renameModel(id: number, name: string): void;
  setModelConfig(id: number, config: Record<string, unknown>): void;
  setModelArchived(id: number, archived: boolean): void;
  /** The model each task uses for predictions and suggestions (one per kind), or null. */
  getActiveModelId(kind: ModelKind): number | null;
  /** The recorded active model of a task, else its newest non-archived one, else null. */
  resolveActiveModelId(kind: ModelKind): number | null;
  setActiveModelId(kind: ModelKind, id: number | null): void;
  /** Creates (no id) or updates a training run; returns the stored row. */
  saveRun(r: RunWrite): RunRow;
  getRun(id: number): RunRow | null;
  listRuns(limit?: number): RunRow[];

  // predictions (kept apart from labels; one current prediction per model and image)
  putPredictions(modelId: number, preds: PredictionWrite[]): void;
  getPredictions(modelId: number, imageIds?: number[]): PredictionRow[];
  deletePredictions(modelId: number): void;
  /**
   * Makes `modelId`'s predictions the ones the grid shows (confidence, 'suggested'). A no-op
   * when it already is; otherwise one pass over that model's predictions. Later prediction
   * writes of the grid model update the grid in their own transaction.
   */
  setGridModel(modelId: number | null): void;
  /** Replaces the active-learning scores of the last suggestion pass (others become null). */
  setAlScores(scores: Array<{ imageId: number; score: number }>): void;
  gridCounts(): GridCounts;

  // feature cache (separate database, see the file header)
  putFeatures(entries: FeatureEntry[]): void;
  /** Returns the entries that exist, in no particular order; missing keys are simply absent. */
  getFeatures(keys: FeatureKey[]): FeatureEntry[];
  /** Image ids that have every listed layer cached for this encoder and view. */
  /** One layer of many images as a row-major matrix in one streaming pass (see features.ts). */
  readFeatureMatrix(
    encoderId: string,
    layer: string,
    view: number,
    imageIds: number[],
    decode: (dtype: FeatureDtype, bytes: Uint8Array) => Float32Array,
  ): { dim: number; data: Float32Array; missing: number[] };
  /**
   * Every cached image of one layer as a float16 matrix (IEEE half bits) ordered by image id;
   * null above `maxValues`.
   */
  readFeatureLayer(
    encoderId: string,
    layer: string,
    view: number,
    maxValues?: number,
  ): { ids: Int32Array; dim: number; data: Uint16Array } | null;
  /** The same as exact float32 values (what the float16 matrix is measured against). */
  readFeatureLayer(
    encoderId: string,
    layer: string,
    view: number,
    maxValues: number,
    float32: true,
  ): { ids: Int32Array; dim: number; data: Float32Array } | null;
  /** Moves with every write to the feature cache: in-memory copies compare it to know they are stale. */
  featureVersion(): number;
  /** A random id of the feature cache, new whenever the cache is created. */
  featureCacheId(): string;
  imagesWithFeatures(encoderId: string, layers: string[], view?: number): Set<number>;
  /** Drops cached features of every encoder except `keepEncoderId` (or all when omitted). */
  invalidateFeatures(keepEncoderId?: string): number;

  // active learning bookkeeping
  markServed(imageId: number): void;
  markSkipped(imageId: number): void;
  getAlState(imageIds?: number[]): AlState[];

  // settings
  getSetting<T = unknown>(key: string): T | undefined;
  setSetting(key: string, value: unknown): void;

  counts(): ProjectCounts;
  /** The bounded check run at open: quick_check of the hot tables, WAL size, a sample of files. */
  quickCheck(): IntegrityReport;
  /** The full check (doctor): every page, every foreign key, every file, orphan files. */
  integrityCheck(): IntegrityReport;
}
