/**
 * Model registry use case: one active model per task (classifier and segmenter no longer take
 * the role from each other), the promotion rule for new models, readable names, rename,
 * archive and delete.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { NotFoundError } from '../errors.ts';
import { Estimate } from '../eval/estimate-contract.ts';
import type { ModelKind, ModelRow, ProjectStore } from '../store/types.ts';
import { carryThreshold } from './model-threshold.ts';

export const MODEL_KINDS: readonly ModelKind[] = ['classify', 'segment'];

/**
 * The model a task uses for predictions and suggestions: the one the user or the promotion
 * rule made active; in a project that never recorded one, the newest model of the task.
 */
export function activeModelId(store: ProjectStore, kind: ModelKind): number | null {
  return store.resolveActiveModelId(kind);
}

export function activeModels(store: ProjectStore): Record<ModelKind, number | null> {
  return { classify: activeModelId(store, 'classify'), segment: activeModelId(store, 'segment') };
}

export function getModelOrThrow(store: ProjectStore, id: number): ModelRow {
  const m = store.getModel(id);
  if (!m) throw new NotFoundError(`no model with id ${id}`);
  return m;
}

export function activate(store: ProjectStore, id: number): ModelKind {
  const m = getModelOrThrow(store, id);
  store.setActiveModelId(m.kind, id);
  return m.kind;
}

export interface Promotion {
  promoted: boolean;
  /** In words, for the job result and the model list. */
  reason: string;
}

/** The figure two models of a task are compared on, with what it is. */
function score(m: ModelRow): { value: number; what: string } | null {
  if (m.kind === 'segment') {
    const dice = m.metrics.dice;
    return typeof dice === 'number' ? { value: dice, what: 'validation Dice' } : null;
  }
  const est = Estimate.safeParse(m.metrics.estimate);
  if (!est.success || est.data.auc === null) return null;
  const { method, folds, repeats } = est.data;
  return { value: est.data.auc, what: `${method} AUC (${folds} folds × ${repeats})` };
}

/**
 * A newly trained model becomes active unless it is worse than the active one on the same
 * estimate (classifiers: the cross-validated AUC of `metrics.estimate`, same method, folds and
 * repeats; segmenters: validation Dice). A worse one stays a candidate the user can activate.
 * When the two figures are not comparable (different estimate, or none) the newer model,
 * trained on more labels, wins.
 */
export function promoteIfNotWorse(store: ProjectStore, modelId: number): Promotion {
  const fresh = getModelOrThrow(store, modelId);
  const currentId = store.getActiveModelId(fresh.kind);
  const current = currentId === null || currentId === modelId ? null : store.getModel(currentId);
  const a = score(fresh);
  const b = current ? score(current) : null;
  let decision: Promotion;
  if (!current) decision = { promoted: true, reason: `first active ${fresh.kind} model` };
  else if (!a || !b || a.what !== b.what)
    decision = { promoted: true, reason: `not comparable with model ${current.id}; the newer model wins` };
  else if (a.value >= b.value)
    decision = {
      promoted: true,
      reason: `${a.what} ${a.value.toFixed(3)} ≥ ${b.value.toFixed(3)} of model ${current.id}`,
    };
  else
    decision = {
      promoted: false,
      reason: `kept as a candidate: ${a.what} ${a.value.toFixed(3)} < ${b.value.toFixed(3)} of active model ${current.id}`,
    };
  if (decision.promoted) store.setActiveModelId(fresh.kind, modelId);
  return decision;
}

/** What a suggestion pass needs from the registry (injected: active learning sits below app). */
export function registryFor(store: ProjectStore) {
  return {
    activeClassifier: () => activeModelId(store, 'classify'),
    trained: (id: number) => {
      carryThreshold(store, activeModelId(store, 'classify'), id);
      promoteIfNotWorse(store, id);
    },
  };
}

/** "Classifier 3 · linear · 2 classes · 48 images": what a user can tell apart in a list. */
export function readableName(
  kind: ModelKind,
  head: string,
  ordinal: number,
  detail: { classes?: string[]; maskClass?: string; images: number },
): string {
  const what = kind === 'classify' ? `Classifier ${ordinal}` : `Segmenter ${ordinal}`;
  const target =
    kind === 'classify' ? `${detail.classes?.length ?? 0} classes` : `${detail.maskClass ?? 'lung'} masks`;
  return `${what} · ${head} · ${target} · ${detail.images} images`;
}

export function rename(store: ProjectStore, id: number, name: string): void {
  getModelOrThrow(store, id);
  store.renameModel(id, name);
}

/** Archived models leave the list and their active role; their weights stay for a restore. */
export function archive(store: ProjectStore, id: number, archived: boolean): void {
  getModelOrThrow(store, id);
  store.setModelArchived(id, archived);
}

/** Deletes the model, its predictions (cascade) and its weights file under models/. */
export function remove(store: ProjectStore, id: number): void {
  const m = getModelOrThrow(store, id);
  store.deleteModel(id);
  if (m.weightsPath) rmSync(path.join(store.dir, m.weightsPath), { force: true, recursive: true });
}
