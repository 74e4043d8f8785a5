import { InvalidInputError, NotFoundError } from '../errors.ts';
import type { Statements } from './db.ts';
import { now, parseJson } from './db.ts';
import {
  DEFAULT_TASK,
  type ModelFilter,
  type ModelKind,
  type ModelRow,
  type NewModel,
  type PredictionRow,
  type PredictionWrite,
  type RunRow,
  type RunWrite,
} from './types.ts';

interface ModelDbRow {
  id: number;
  name: string;
  kind: ModelKind;
  head: string;
  encoder_id: string;
  task: string;
  config: string;
  metrics: string;
  history: string;
  has_weights: number;
  weights_path: string | null;
  run_id: number | null;
  created_at: string;
  archived_at: string | null;
}

const MODEL_COLS = `id, name, kind, head, encoder_id, task, config, metrics, history,
  (weights IS NOT NULL OR weights_path IS NOT NULL) AS has_weights, weights_path, run_id, created_at, archived_at`;

function toModel(r: ModelDbRow): ModelRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    head: r.head,
    encoderId: r.encoder_id,
    task: r.task,
    config: parseJson(r.config, {}),
    metrics: parseJson(r.metrics, {}),
    history: parseJson(r.history, []),
    hasWeights: r.has_weights === 1,
    weightsPath: r.weights_path ?? undefined,
    runId: r.run_id ?? undefined,
    createdAt: r.created_at,
    archivedAt: r.archived_at,
  };
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export function saveModel(st: Statements, m: NewModel): ModelRow {
  const info = st
    .get(
      `INSERT INTO models (name, kind, head, encoder_id, task, config, metrics, history, weights, weights_path,
         run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      m.name,
      m.kind,
      m.head,
      m.encoderId,
      m.task ?? DEFAULT_TASK,
      JSON.stringify(m.config ?? {}),
      JSON.stringify(m.metrics ?? {}),
      JSON.stringify(m.history ?? []),
      m.weights ? asBuffer(m.weights) : null,
      m.weightsPath ?? null,
      m.runId ?? null,
      now(),
    );
  return getModel(st, Number(info.lastInsertRowid))!;
}

export function getModel(st: Statements, id: number): ModelRow | null {
  const r = st.get(`SELECT ${MODEL_COLS} FROM models WHERE id = ?`).get(id) as ModelDbRow | undefined;
  return r ? toModel(r) : null;
}

export function getModelWeights(st: Statements, id: number): Buffer | null {
  const r = st.get('SELECT weights FROM models WHERE id = ?').get(id) as
    | { weights: Buffer | null }
    | undefined;
  return r?.weights ?? null;
}

export function listModels(st: Statements, f: ModelFilter = {}) {
  const rows = st.get(`SELECT ${MODEL_COLS} FROM models ORDER BY id`).all() as ModelDbRow[];
  return rows
    .map(toModel)
    .filter(
      (m) =>
        (!f.kind || m.kind === f.kind) &&
        (!f.task || m.task === f.task) &&
        (!f.encoderId || m.encoderId === f.encoderId) &&
        (f.archived === undefined || (m.archivedAt !== null) === f.archived),
    );
}

export function deleteModel(st: Statements, id: number): void {
  st.get('DELETE FROM models WHERE id = ?').run(id);
}

function changeModel(st: Statements, sql: string, ...params: unknown[]): void {
  if (st.get(sql).run(...params).changes === 0) throw new NotFoundError(`no model with id ${params.at(-1)}`);
}

export function renameModel(st: Statements, id: number, name: string): void {
  changeModel(st, 'UPDATE models SET name = ? WHERE id = ?', name, id);
}

/** Replaces a model's config (a chosen threshold lives there); weights and metrics are untouched. */
export function setModelConfig(st: Statements, id: number, config: Record<string, unknown>): void {
  changeModel(st, 'UPDATE models SET config = ? WHERE id = ?', JSON.stringify(config), id);
}

/** Archiving also ends the model's active role: an archived model is never used. */
export function setModelArchived(st: Statements, id: number, archived: boolean): void {
  changeModel(st, 'UPDATE models SET archived_at = ? WHERE id = ?', archived ? now() : null, id);
  if (archived) st.get('DELETE FROM active_models WHERE model_id = ?').run(id);
}

export function getActiveModelId(st: Statements, kind: ModelKind): number | null {
  const r = st.get('SELECT model_id FROM active_models WHERE kind = ?').get(kind) as
    | { model_id: number }
    | undefined;
  return r?.model_id ?? null;
}

/**
 * The model a task uses when none is named: the recorded active one; in a project that never
 * recorded one (or whose active model was archived), the newest non-archived model of the task.
 */
export function resolveActiveModelId(st: Statements, kind: ModelKind): number | null {
  return getActiveModelId(st, kind) ?? listModels(st, { kind, archived: false }).at(-1)?.id ?? null;
}

export function setActiveModelId(st: Statements, kind: ModelKind, id: number | null): void {
  if (id === null) {
    st.get('DELETE FROM active_models WHERE kind = ?').run(kind);
    return;
  }
  const m = getModel(st, id);
  if (!m) throw new NotFoundError(`no model with id ${id}`);
  if (m.kind !== kind) throw new InvalidInputError(`model ${id} is a ${m.kind} model, not a ${kind} model`);
  if (m.archivedAt) throw new InvalidInputError(`model ${id} is archived; restore it before activating it`);
  st.get('INSERT OR REPLACE INTO active_models (kind, model_id) VALUES (?, ?)').run(kind, id);
}

interface RunDbRow {
  id: number;
  kind: string;
  status: RunRow['status'];
  model_id: number | null;
  config: string;
  metrics: string;
  timings: string;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

function toRun(r: RunDbRow): RunRow {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    modelId: r.model_id,
    config: parseJson(r.config, {}),
    metrics: parseJson(r.metrics, {}),
    timings: parseJson(r.timings, {}),
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

const FINAL = new Set(['done', 'failed', 'cancelled']);

export function saveRun(st: Statements, r: RunWrite): RunRow {
  const finished = FINAL.has(r.status) ? now() : null;
  if (r.id === undefined) {
    const info = st
      .get(
        `INSERT INTO training_runs (kind, status, model_id, config, metrics, timings, error, started_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.kind,
        r.status,
        r.modelId ?? null,
        JSON.stringify(r.config ?? {}),
        JSON.stringify(r.metrics ?? {}),
        JSON.stringify(r.timings ?? {}),
        r.error ?? null,
        now(),
        finished,
      );
    return getRun(st, Number(info.lastInsertRowid))!;
  }
  const old = getRun(st, r.id);
  if (!old) throw new NotFoundError(`no training run with id ${r.id}`);
  st.get(
    `UPDATE training_runs SET kind = ?, status = ?, model_id = ?, config = ?, metrics = ?, timings = ?, error = ?,
       finished_at = ? WHERE id = ?`,
  ).run(
    r.kind,
    r.status,
    r.modelId === undefined ? old.modelId : r.modelId,
    JSON.stringify(r.config ?? old.config),
    JSON.stringify(r.metrics ?? old.metrics),
    JSON.stringify(r.timings ?? old.timings),
    r.error === undefined ? old.error : r.error,
    finished ?? old.finishedAt,
    r.id,
  );
  return getRun(st, r.id)!;
}

export function getRun(st: Statements, id: number): RunRow | null {
  const r = st.get('SELECT * FROM training_runs WHERE id = ?').get(id) as RunDbRow | undefined;
  return r ? toRun(r) : null;
}

export function listRuns(st: Statements, limit = 100): RunRow[] {
  return (st.get('SELECT * FROM training_runs ORDER BY id DESC LIMIT ?').all(limit) as RunDbRow[]).map(toRun);
}

export function putPredictions(st: Statements, modelId: number, preds: PredictionWrite[]): void {
  const ins = st.get(
    `INSERT OR REPLACE INTO predictions (model_id, image_id, probs, mask, uncertainty, mask_stats, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const at = now();
  for (const p of preds) {
    ins.run(
      modelId,
      p.imageId,
      p.probs ? JSON.stringify(p.probs) : null,
      p.mask ? asBuffer(p.mask) : null,
      p.uncertainty ? asBuffer(p.uncertainty) : null,
      p.maskStats ? JSON.stringify(p.maskStats) : null,
      at,
    );
  }
}

export function getPredictions(st: Statements, modelId: number, imageIds?: number[]): PredictionRow[] {
  const sql = `SELECT model_id AS modelId, image_id AS imageId, probs, mask, uncertainty,
    mask_stats AS maskStats, created_at AS createdAt FROM predictions WHERE model_id = ?`;
  const rows = (
    imageIds
      ? st
          .get(`${sql} AND image_id IN (SELECT value FROM json_each(?)) ORDER BY image_id`)
          .all(modelId, JSON.stringify(imageIds))
      : st.get(`${sql} ORDER BY image_id`).all(modelId)
  ) as Array<Omit<PredictionRow, 'probs' | 'maskStats'> & { probs: string | null; maskStats: string | null }>;
  return rows.map((r) => ({
    ...r,
    probs: parseJson(r.probs, null),
    maskStats: parseJson(r.maskStats, null),
  }));
}
