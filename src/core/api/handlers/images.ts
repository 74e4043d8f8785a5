import path from 'node:path';
import { state } from '../../app/state.ts';
import { oodFlags } from '../../eval/project-ood.ts';
import { DEFAULT_TASK, type ImageListItem } from '../../store/types.ts';
import type { ApiHandlers, ImageSummary, LabelStatus } from '../contract.ts';
import { decodedImage } from '../media.ts';
import type { ServiceContext } from '../service.ts';
import type { ProjectSession } from '../session.ts';

type H = Pick<ApiHandlers, 'images.list' | 'images.get'>;

/** needs-review wins over everything; a model prediction on an unlabelled image is 'suggested'. */
export function statusOf(s: ProjectSession, img: ImageListItem, predicted: Set<number>): LabelStatus {
  if (s.needsReview(img.meta)) return 'needs-review';
  if (img.label !== null) return 'labelled';
  return predicted.has(img.id) ? 'suggested' : 'unlabelled';
}

function confidenceOf(probs: Record<string, number> | null): number | null {
  if (!probs) return null;
  const v = Object.values(probs);
  return v.length ? Math.max(...v) : null;
}

export function imageHandlers(ctx: ServiceContext): H {
  const summaries = (s: ProjectSession, items: ImageListItem[]) => {
    const active = s.activeModelId();
    const preds = new Map(active ? s.store.getPredictions(active).map((p) => [p.imageId, p]) : []);
    const sources = new Map(s.store.getLabels(DEFAULT_TASK).map((l) => [l.imageId, l.source]));
    const scores = state.alScores.get(s.store) ?? {};
    const predicted = new Set(preds.keys());
    const unlike = active ? oodFlags(s.store, active) : {};
    return items.map((img): ImageSummary & { confidence: number | null } => ({
      id: img.id,
      name: path.basename(img.originalPath),
      width: img.width,
      height: img.height,
      source: img.source,
      split: img.split,
      label: img.label,
      labelSource: img.label !== null ? (sources.get(img.id) ?? null) : null,
      status: statusOf(s, img, predicted),
      hasMask: img.hasMask,
      score: scores[img.id] ?? null,
      thumbnailUrl: ctx.opts.urls.thumbnail(img.id),
      confidence: confidenceOf(preds.get(img.id)?.probs ?? null),
      ...(img.id in unlike ? { unlikeTraining: true } : {}),
    }));
  };

  return {
    'images.list': (q) => {
      const s = ctx.session();
      // Filters the store can do go to SQL; status and AL sorting need predictions and scores.
      const page = s.store.listImages({
        status: 'active',
        label: q.label,
        source: q.source,
        split: q.split === 'unassigned' ? null : q.split,
        hasMask: q.hasMask,
        sort: q.sort === 'name' ? 'path' : 'id',
        order: q.sort === 'imported' || q.sort === 'name' ? (q.order ?? 'asc') : 'asc',
      });
      let rows = summaries(s, page.items);
      if (q.status) rows = rows.filter((r) => r.status === q.status);
      if (q.search) {
        const needle = q.search.toLowerCase();
        rows = rows.filter((r) => r.name.toLowerCase().includes(needle));
      }
      if (q.sort === 'name')
        rows.sort((a, b) => a.name.localeCompare(b.name) * (q.order === 'desc' ? -1 : 1));
      if (q.sort === 'score' || q.sort === 'confidence') {
        const key = q.sort;
        // Highest score first (most useful to label); lowest confidence first (least sure).
        const dir = (q.order ?? (key === 'score' ? 'desc' : 'asc')) === 'desc' ? -1 : 1;
        const missing = dir === -1 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        rows.sort((a, b) => ((a[key] ?? missing) - (b[key] ?? missing)) * dir || a.id - b.id);
      }
      const items = rows.slice(q.offset, q.offset + q.limit).map(({ confidence: _c, ...r }) => r);
      return { total: rows.length, offset: q.offset, items };
    },

    'images.get': async ({ id }) => {
      const s = ctx.session();
      const img = s.image(id);
      const item = s.store.listImages({ ids: [id] }).items[0];
      const [summary] = summaries(s, [item]);
      const { confidence: _c, ...base } = summary;
      const dec = await decodedImage(s, id);
      const active = s.activeModelId();
      const pred = active ? s.store.getPredictions(active, [id])[0] : undefined;
      const best = pred?.probs ? Object.entries(pred.probs).sort((a, b) => b[1] - a[1])[0] : undefined;
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
          thumbnail: ctx.opts.urls.thumbnail(id),
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
