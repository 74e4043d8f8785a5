import type { RunControl } from '../model/types.ts';
import type { NewModel, ProjectStore } from '../store/types.ts';
import { disposeHead, type Head } from './heads.ts';
import { CONFIG_VERSION } from './model-config.ts';
import type { TrainResult } from './types.ts';

export type TrainingKind = 'train-classify' | 'train-segment';

/** What a run body holds: its id, and the heads it owns until the run ends. */
export interface TrainingRun {
  id: number;
  kind: TrainingKind;
  /** The head's tensors are freed when the run ends, however it ends. */
  own<T extends Head>(head: T): T;
  /** Frees an owned head now (a refit replaces it). */
  free(head: Head): void;
}

/**
 * The lifecycle every training run shares: a 'running' row; then 'done' with its model
 * (`saveTrained`), or 'cancelled' / 'failed' with the error. Owned heads are freed in `finally`:
 * a cancelled segmentation run once leaked its TF.js variables in the worker.
 */
export async function trainingRun(
  project: ProjectStore,
  kind: TrainingKind,
  config: Record<string, unknown>,
  ctl: RunControl,
  body: (run: TrainingRun) => Promise<TrainResult>,
): Promise<TrainResult> {
  const row = project.saveRun({ kind, status: 'running', config });
  const owned = new Set<Head>();
  const run: TrainingRun = {
    id: row.id,
    kind,
    own: (h) => {
      owned.add(h);
      return h;
    },
    free: (h) => {
      if (owned.delete(h)) disposeHead(h);
    },
  };
  try {
    return await body(run);
  } catch (e) {
    project.saveRun({
      id: row.id,
      kind,
      status: ctl.signal?.aborted ? 'cancelled' : 'failed',
      error: (e as Error).message,
    });
    throw e;
  } finally {
    for (const h of owned) disposeHead(h);
  }
}

/** The model row of a trained head; metrics and history come from the result. */
export type TrainedModel = Omit<NewModel, 'metrics' | 'history' | 'runId'>;

/** Saves the trained head as a model and closes the run as done (unless it was cancelled). */
export function saveTrained(
  project: ProjectStore,
  run: TrainingRun,
  model: TrainedModel,
  result: Omit<TrainResult, 'modelId' | 'runId'>,
  ctl: RunControl,
): TrainResult {
  ctl.signal?.throwIfAborted();
  const metrics = { ...result.metrics } as Record<string, unknown>;
  const saved = project.saveModel({
    ...model,
    // Readers parse it by version (model-config.ts).
    config: { configVersion: CONFIG_VERSION, ...model.config },
    metrics,
    history: result.history,
    runId: run.id,
  });
  project.saveRun({
    id: run.id,
    kind: run.kind,
    status: 'done',
    modelId: saved.id,
    metrics,
    timings: result.timings,
  });
  return { modelId: saved.id, runId: run.id, ...result };
}
