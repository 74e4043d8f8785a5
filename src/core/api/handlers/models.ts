import { ApiError, type ApiHandlers, type ModelDetail, type ModelSummary } from '../contract.ts';
import { modelHonesty } from '../model-honesty.ts';
import { modelCurves } from '../model-report.ts';
import type { ServiceContext } from '../service.ts';
import type { ProjectSession } from '../session.ts';

type H = Pick<ApiHandlers, 'models.list' | 'models.get' | 'models.activate'>;
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

function summary(r: Row, active: number | null): ModelSummary {
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
    active: r.id === active,
    trainCount: num(cfg.trainImages ?? r.metrics.trainImages),
    valCount: num(cfg.valImages ?? r.metrics.n),
  };
}

export function modelHandlers(ctx: ServiceContext): H {
  return {
    'models.list': () => {
      const s = ctx.session();
      const active = s.activeModelId();
      return s.store
        .listModels()
        .map((r) => summary(r, active))
        .sort((a, b) => b.id - a.id);
    },
    'models.get': ({ id }) => {
      const s = ctx.session();
      const r = s.store.getModel(id);
      if (!r) throw new ApiError('not_found', `no model with id ${id}`);
      const base = summary(r, s.activeModelId());
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
    'models.activate': ({ id }) => {
      const s = ctx.session();
      s.setActiveModel(id);
      ctx.emit('models.changed', { activeModelId: id });
      ctx.changed();
      return { ok: true as const };
    },
  };
}
