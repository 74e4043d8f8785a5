import path from 'node:path';
import { oodFlags } from '../../eval/project-ood.ts';
import type { ImageListItem } from '../../store/types.ts';
import { decideClass } from '../../train/report.ts';
import type { ApiHandlers, ImageSummary } from '../contract.ts';
import { decodedImage } from '../media.ts';
import type { ServiceContext } from '../service.ts';
import { thumbnailVersion } from '../thumbnail-pack.ts';

type H = Pick<ApiHandlers, 'images.list' | 'images.get'>;

/** `unlike`: image ids the active model's last prediction pass flagged as unlike its training data. */
function summary(ctx: ServiceContext, img: ImageListItem, unlike: Record<string, number> = {}): ImageSummary {
  return {
    id: img.id,
    name: path.basename(img.originalPath),
    width: img.width,
    height: img.height,
    source: img.source,
    split: img.split,
    label: img.label,
    labelSource: img.label !== null ? img.labelSource : null,
    status: img.gridState,
    hasMask: img.hasMask,
    score: img.alScore,
    thumbnailUrl: ctx.opts.urls.thumbnail(img.id, thumbnailVersion(img.sha256)),
    ...(img.id in unlike ? { unlikeTraining: true } : {}),
  };
}

function unlikeOf(s: ReturnType<ServiceContext['session']>): Record<string, number> {
  const active = s.activeModelId();
  return active ? oodFlags(s.store, active) : {};
}

const SORT = { imported: 'id', name: 'name', score: 'score', confidence: 'confidence' } as const;

export function imageHandlers(ctx: ServiceContext): H {
  return {
    // Everything runs in SQL on indexed columns (store/images.ts): no per-project work per call.
    'images.list': (q) => {
      const s = ctx.session();
      s.syncGrid();
      const page = s.store.listImages({
        status: 'active',
        label: q.label,
        state: q.status,
        source: q.source,
        split: q.split === 'unassigned' ? null : q.split,
        hasMask: q.hasMask,
        search: q.search || undefined,
        author: q.author,
        sort: SORT[q.sort ?? 'imported'],
        order: q.order,
        offset: q.offset,
        after: q.after,
        limit: q.limit,
      });
      const unlike = unlikeOf(s);
      return {
        total: page.total,
        offset: q.offset ?? 0,
        items: page.items.map((i) => summary(ctx, i, unlike)),
      };
    },

    'images.get': async ({ id }) => {
      const s = ctx.session();
      const img = s.image(id);
      s.syncGrid();
      const base = summary(ctx, s.store.listImages({ ids: [id] }).items[0], unlikeOf(s));
      const dec = await decodedImage(s, id);
      const active = s.activeModelId();
      const pred = active ? s.store.getPredictions(active, [id])[0] : undefined;
      const best = pred?.probs ? decided(s.store.getModel(active!)?.config, pred.probs) : undefined;
      return {
        ...base,
        format: img.format,
        storedRange: dec.storedRange,
        rescaleSlope: dec.rescaleSlope,
        rescaleIntercept: dec.rescaleIntercept,
        windows: dec.windows,
        invert: dec.invert,
        meta: img.meta,
        patientId: img.patientId,
        urls: {
          display: ctx.opts.urls.display(id),
          raw: ctx.opts.urls.raw(id),
          thumbnail: base.thumbnailUrl,
          mask: ctx.opts.urls.mask(id),
        },
        prediction:
          active && pred?.probs && best
            ? { modelId: active, label: best[0], confidence: best[1], probabilities: pred.probs }
            : null,
        history: s.store
          .getLabelHistory(id)
          .map((e) => ({ label: e.label, source: e.source, author: e.author, at: e.at }))
          .reverse(),
      };
    },
  };
}

/** The class the model decides at its threshold (two classes; the user may have chosen it), else the likeliest. */
function decided(
  config: Record<string, unknown> | undefined,
  probs: Record<string, number>,
): [string, number] {
  const classes = Array.isArray(config?.classes) ? (config.classes as string[]) : Object.keys(probs);
  const p = classes.map((c) => probs[c] ?? 0);
  const pos = typeof config?.positive === 'number' ? config.positive : null;
  const t = typeof config?.threshold === 'number' ? config.threshold : null;
  const k = decideClass(p, pos, t);
  return [classes[k], p[k]];
}
