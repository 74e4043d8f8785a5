import { rmSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import * as al from './al.ts';
import * as classOps from './class-ops.ts';
import type { ClassImpact, ClassOp } from './class-types.ts';
import { ClassConfirmError } from './class-types.ts';
import * as classes from './classes.ts';
import { counts } from './counts.ts';
import { Statements } from './db.ts';
import { FeatureCache } from './features.ts';
import * as grid from './grid.ts';
import * as images from './images.ts';
import { integrityCheck, quickCheck } from './integrity.ts';
import * as labels from './labels.ts';
import * as masks from './masks.ts';
import * as models from './models.ts';
import { poolRows } from './pool-rows.ts';
import { checkResidentFiles } from './resident-file.ts';
import * as reviews from './reviews.ts';
import {
  type AnnotationSource,
  type ClassKind,
  type FeatureEntry,
  type FeatureKey,
  type ImageRow,
  type IntegrityReport,
  type ListOptions,
  type ModelFilter,
  type ModelKind,
  type NewImage,
  type NewModel,
  PROJECT_DB,
  type PredictionWrite,
  type ProjectInfo,
  type ProjectStore,
  type RunWrite,
} from './types.ts';

/** better-sqlite3 implementation of the store contract. Every write is one transaction. */
export class Project implements ProjectStore {
  private readonly st: Statements;
  private readonly features: FeatureCache;
  openReport: IntegrityReport | null = null;

  constructor(
    readonly dir: string,
    private readonly db: Database.Database,
    readonly info: ProjectInfo,
  ) {
    this.st = new Statements(db);
    this.features = new FeatureCache(dir);
  }

  /**
   * Write transaction, BEGIN IMMEDIATE: it takes the write lock up front, so a second process
   * (the CLI next to the app) waits on busy_timeout instead of failing halfway with
   * SQLITE_BUSY_SNAPSHOT. Inside another transaction it becomes a savepoint.
   */
  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Several reads that must see one snapshot (counts, a page and its total). */
  private read<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  transaction<T>(fn: () => T): T {
    return this.tx(fn);
  }

  close(): void {
    this.features.close();
    if (this.db.open) this.db.close();
  }

  addImage = (img: NewImage) => this.tx(() => images.addImage(this.st, img));
  findImageBySha = (sha256: string) => images.findImageBySha(this.st, sha256);
  getImage = (id: number) => images.getImage(this.st, id);
  listImages = (opts?: ListOptions) => this.read(() => images.listImages(this.st, opts));
  poolRows = (task?: string) => this.read(() => poolRows(this.st, task));
  imagePath = (img: ImageRow) => (img.storedPath ? path.join(this.dir, img.storedPath) : img.originalPath);
  updateImage: ProjectStore['updateImage'] = (id, patch) =>
    this.tx(() => images.updateImage(this.st, id, patch));
  deleteImages(ids: number[]): number {
    const gone = this.tx(() => images.deleteImages(this.st, ids));
    this.features.deleteImages(gone.map((g) => g.id));
    for (const g of gone) {
      // sha256 is unique, so no other row points at this file.
      if (g.storedPath) rmSync(path.join(this.dir, g.storedPath), { force: true });
    }
    return gone.length;
  }
  getThumbnail = (imageId: number) => images.getThumbnail(this.st, imageId);
  getThumbnails = (imageIds: number[]) => images.getThumbnails(this.st, imageIds);
  setThumbnail: ProjectStore['setThumbnail'] = (id, t) => this.tx(() => images.setThumbnail(this.st, id, t));

  listClasses = (kind?: ClassKind, task?: string) => classes.listClasses(this.st, kind, task);
  addClass = (name: string, kind?: ClassKind, task?: string, color?: string | null, author?: string) =>
    this.tx(() => classes.addClass(this.st, name, kind, task, color, author));
  renameClass = (id: number, name: string) => this.tx(() => classes.renameClass(this.st, id, name));
  classImpact = (op: ClassOp) => this.read(() => classOps.classImpact(this.st, op));
  applyClassOp = (op: ClassOp, author: string, confirm?: ClassImpact) =>
    this.tx(() => {
      // Checked inside the write transaction, so the user confirms exactly what happens.
      const impact = classOps.classImpact(this.st, op);
      const touched = impact.labels + impact.masks > 0;
      if (touched && (confirm?.labels !== impact.labels || confirm?.masks !== impact.masks))
        throw new ClassConfirmError(impact);
      return classOps.applyClassOp(this.st, op, author);
    });
  undoClassOp = (author: string) => this.tx(() => classOps.undoClassOp(this.st, author));
  listClassEvents = (limit?: number) => classOps.listClassEvents(this.st, limit);

  addReview: ProjectStore['addReview'] = (r) => this.tx(() => reviews.addReview(this.st, r));
  listReviews = (task?: string) => reviews.listReviews(this.st, task);
  reviewCandidates = (author: string, task?: string) => reviews.reviewCandidates(this.st, author, task);
  authorStats = (task?: string) => reviews.authorStats(this.st, task);
  listAuthors = (task?: string) => reviews.listAuthors(this.st, task);

  setLabel: ProjectStore['setLabel'] = (w) => this.tx(() => labels.setLabel(this.st, w));
  clearLabel = (imageId: number, author: string, task?: string, source?: AnnotationSource) =>
    this.tx(() => labels.clearLabel(this.st, imageId, author, task, source));
  getLabel = (imageId: number, task?: string) => labels.getLabel(this.st, imageId, task);
  setNeedsReview = (imageId: number, flag: boolean) =>
    this.tx(() => grid.setNeedsReview(this.st, imageId, flag));
  getLabels = (task?: string) => labels.getLabels(this.st, task);
  getLabelHistory = (imageId: number, task?: string) => labels.getLabelHistory(this.st, imageId, task);

  setMask: ProjectStore['setMask'] = (w) => this.tx(() => masks.setMask(this.st, w));
  clearMask = (imageId: number, author: string, maskClass?: string, source?: AnnotationSource) =>
    this.tx(() => masks.clearMask(this.st, imageId, author, maskClass, source));
  getMask = (imageId: number, maskClass?: string) => masks.getMask(this.st, imageId, maskClass);
  listMasks = (maskClass?: string) => masks.listMasks(this.st, maskClass);
  getMaskHistory = (imageId: number, maskClass?: string) => masks.getMaskHistory(this.st, imageId, maskClass);

  saveModel = (m: NewModel) => this.tx(() => models.saveModel(this.st, m));
  getModel = (id: number) => models.getModel(this.st, id);
  getModelWeights = (id: number) => models.getModelWeights(this.st, id);
  listModels = (f?: ModelFilter) => models.listModels(this.st, f);
  deleteModel = (id: number) => this.tx(() => models.deleteModel(this.st, id));
  renameModel = (id: number, name: string) => this.tx(() => models.renameModel(this.st, id, name));
  setModelConfig = (id: number, config: Record<string, unknown>) =>
    this.tx(() => models.setModelConfig(this.st, id, config));
  setModelArchived = (id: number, archived: boolean) =>
    this.tx(() => models.setModelArchived(this.st, id, archived));
  getActiveModelId = (kind: ModelKind) => models.getActiveModelId(this.st, kind);
  resolveActiveModelId = (kind: ModelKind) => models.resolveActiveModelId(this.st, kind);
  setActiveModelId = (kind: ModelKind, id: number | null) =>
    this.tx(() => models.setActiveModelId(this.st, kind, id));
  saveRun = (r: RunWrite) => this.tx(() => models.saveRun(this.st, r));
  getRun = (id: number) => models.getRun(this.st, id);
  listRuns = (limit?: number) => models.listRuns(this.st, limit);

  putPredictions = (modelId: number, preds: PredictionWrite[]) =>
    this.tx(() => models.putPredictions(this.st, modelId, preds));
  getPredictions = (modelId: number, imageIds?: number[]) =>
    models.getPredictions(this.st, modelId, imageIds);
  deletePredictions = (modelId: number) =>
    this.tx(() => void this.st.get('DELETE FROM predictions WHERE model_id = ?').run(modelId));

  setGridModel = (modelId: number | null) => this.tx(() => grid.setGridModel(this.st, modelId));
  setAlScores = (scores: Array<{ imageId: number; score: number }>) =>
    this.tx(() => grid.setAlScores(this.st, scores));
  gridCounts = () => grid.gridCounts(this.st);

  putFeatures = (entries: FeatureEntry[]) => this.features.put(entries);
  getFeatures = (keys: FeatureKey[]) => this.features.get(keys);
  readFeatureMatrix: ProjectStore['readFeatureMatrix'] = (encoderId, layer, view, ids, decode) =>
    this.features.readMatrix(encoderId, layer, view, ids, decode);
  readFeatureLayer = ((encoderId: string, layer: string, view: number, maxValues?: number, float32?: true) =>
    float32
      ? this.features.readLayer(encoderId, layer, view, maxValues ?? Number.POSITIVE_INFINITY, true)
      : this.features.readLayer(encoderId, layer, view, maxValues)) as ProjectStore['readFeatureLayer'];
  featureVersion = () => this.features.version();
  featureCacheId = () => this.features.cacheId();
  imagesWithFeatures = (encoderId: string, layers: string[], view?: number) =>
    this.features.imagesWith(encoderId, layers, view);
  invalidateFeatures = (keepEncoderId?: string) => this.features.invalidate(keepEncoderId);

  markServed = (imageId: number) => this.tx(() => al.markServed(this.st, imageId));
  markSkipped = (imageId: number) => this.tx(() => al.markSkipped(this.st, imageId));
  getAlState = (imageIds?: number[]) => al.getAlState(this.st, imageIds);

  getSetting<T = unknown>(key: string): T | undefined {
    const r = this.st.get('SELECT value FROM settings WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return r ? (JSON.parse(r.value) as T) : undefined;
  }
  setSetting(key: string, value: unknown): void {
    this.tx(() =>
      this.st
        .get('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)')
        .run(key, JSON.stringify(value)),
    );
  }

  counts = () => this.read(() => counts(this.st));

  /** The bounded check run at open (see integrity.ts); `integrityCheck` is the full one. */
  quickCheck(): IntegrityReport {
    return this.read(() => quickCheck(this.st, this.dir, path.join(this.dir, PROJECT_DB)));
  }

  integrityCheck(): IntegrityReport {
    const report = this.read(() => integrityCheck(this.st, this.dir));
    try {
      for (const m of this.features.quickCheck()) {
        report.warnings.push({ kind: 'features', message: `feature cache: ${m} (delete cache/ to rebuild)` });
      }
      report.warnings.push(...checkResidentFiles(this.dir, this.features.cacheId()));
    } catch (e) {
      report.warnings.push({
        kind: 'features',
        message: `feature cache unreadable: ${(e as Error).message}`,
      });
    }
    return report;
  }
}
