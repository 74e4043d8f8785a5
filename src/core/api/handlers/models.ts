import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { learningCurve } from '../../app/learning-curve.ts';
import { setThreshold } from '../../app/model-threshold.ts';
import * as registry from '../../app/models.ts';
import type { ProjectSession } from '../../app/session.ts';
import {
  ApiError,
  type ApiEvents,
  type ApiHandlers,
  type ModelDetail,
  type ModelSummary,
} from '../contract.ts';
import { EXPORTS_DIR } from '../media.ts';
import { modelHonesty } from '../model-honesty.ts';
import { modelCurves } from '../model-report.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<
  ApiHandlers,
  | 'models.list'
  | 'models.get'
  | 'models.activate'
  | 'models.rename'
  | 'models.archive'
  | 'models.delete'
  | 'models.setThreshold'
  | 'models.report'
  | 'models.learningCurve'
>;
type Row = NonNullable<ReturnType<ProjectSession['store']['getModel']>>;

/** Flattens the engine's nested metrics to the headline numbers the model list shows. */
function headline(m: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  const bin = m.binary as Record<string, unknown> | undefined;
  if (bin)
    for (const k of ['auc', 'sensitivity', 'specificity', 'f1', 'threshold'])
      if (typeof bin[k] === 'number') out[k] = bin[k] as number;
  return out;
}

/** The payload of `models.changed`: every task's active model. */
export function modelsChanged(s: ProjectSession): ApiEvents['models.changed'] {
  const activeModels = registry.activeModels(s.store);
  return { activeModelId: activeModels.classify, activeModels };
}

function summary(r: Row, active: Record<string, number | null>): ModelSummary {
  const cfg = r.config as Record<string, unknown>;
  const classes = Array.isArray(cfg.classes) ? (cfg.classes as unknown[]).map(String) : [];
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    id: r.id,
    name: r.name,
    task: r.kind,
    head: r.head,
    encoder: r.encoderId,
    classes,
    createdAt: r.createdAt,
    metrics: headline(r.metrics),
    active: r.id === active[r.kind],
    archived: r.archivedAt !== null,
    trainCount: num(cfg.trainImages ?? r.metrics.trainImages),
    valCount: num(cfg.valImages ?? r.metrics.n),
  };
}

export function modelHandlers(ctx: ServiceContext): H {
  const changed = (fn: () => unknown) => {
    fn();
    ctx.emit('models.changed', modelsChanged(ctx.session()));
    ctx.changed();
    return { ok: true as const };
  };
  return {
    'models.list': ({ includeArchived }) => {
      const s = ctx.session();
      const active = registry.activeModels(s.store);
      return s.store
        .listModels(includeArchived ? {} : { archived: false })
        .map((r) => summary(r, active))
        .sort((a, b) => b.id - a.id);
    },
    'models.get': ({ id }) => {
      const s = ctx.session();
      const r = registry.getModelOrThrow(s.store, id);
      const base = summary(r, registry.activeModels(s.store));
      const epochs = (r.history as Array<Record<string, unknown>>).map((h, i) => ({
        epoch: typeof h.epoch === 'number' ? h.epoch : i + 1,
        metrics: headline(h),
      }));
      const detail: ModelDetail = {
        ...base,
        params: r.config,
        epochs,
        ...modelCurves(s, r, base.classes, ctx.opts.urls),
        honesty: modelHonesty(s, r, base.classes),
      };
      return detail;
    },
    'models.activate': ({ id }) => changed(() => registry.activate(ctx.session().store, id)),
    'models.rename': ({ id, name }) => changed(() => registry.rename(ctx.session().store, id, name)),
    'models.archive': ({ id, archived }) =>
      changed(() => registry.archive(ctx.session().store, id, archived)),
    'models.delete': ({ id }) => changed(() => registry.remove(ctx.session().store, id)),
    'models.setThreshold': ({ id, target }) => {
      const choice = setThreshold(
        ctx.session().store,
        id,
        target,
        ctx.opts.shell === 'in-process' ? 'api' : 'ui',
      );
      ctx.emit('models.changed', modelsChanged(ctx.session()));
      ctx.changed();
      return choice;
    },
    'models.learningCurve': ({ task }) => learningCurve(ctx.session().store, task),
    'models.report': ({ id }) => {
      const s = ctx.session();
      const m = registry.getModelOrThrow(s.store, id);
      if (m.kind !== 'classify')
        throw new ApiError('bad_request', `model ${id} is a ${m.kind} model; reports cover classifiers`);
      const rel = path.join('reports', `model-${id}-report.html`);
      const out = path.join(s.dir, EXPORTS_DIR, rel);
      mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
      const url = ctx.opts.urls.file(rel.split(path.sep).join('/'));
      const params = { modelId: id, out, url, provider: s.settings().executionProvider };
      return { jobId: ctx.jobs.start('report', s.dir, params).id };
    },
  };
}
