import path from 'node:path';
import { activeModels } from '../../app/models.ts';
import { state } from '../../app/state.ts';
import { createProject, openProject } from '../../store/index.ts';
import { DEFAULT_TASK } from '../../store/types.ts';
import { ApiError, type ApiHandlers, type ProjectInfo } from '../contract.ts';
import type { ServiceContext } from '../service.ts';
import { ProjectSession } from '../session.ts';
import { statusOf } from './images.ts';

type H = Pick<ApiHandlers, 'project.open' | 'project.create' | 'project.info' | 'project.close'>;

export function projectInfo(s: ProjectSession): ProjectInfo {
  const { store } = s;
  const counts = store.counts();
  const active = s.activeModelId();
  const perClass: Record<string, number> = {};
  for (const c of counts.labels) if (c.task === DEFAULT_TASK && c.label !== null) perClass[c.label] = c.count;
  const tally = { labelled: 0, unlabelled: 0, suggested: 0, needsReview: 0 };
  const predicted = active ? new Set(store.getPredictions(active).map((p) => p.imageId)) : new Set<number>();
  for (const img of store.listImages({ status: 'active' }).items) {
    const st = statusOf(img, predicted);
    if (img.label !== null) tally.labelled++;
    else tally.unlabelled++;
    if (st === 'suggested') tally.suggested++;
    if (st === 'needs-review') tally.needsReview++;
  }
  const encoder = state.encoder.get(store);
  return {
    path: store.dir,
    name: store.info.name,
    classes: store.listClasses().map((c) => ({ id: c.id, name: c.name, kind: c.kind, color: c.color })),
    counts: {
      images: counts.byStatus.active ?? counts.images,
      ...tally,
      masks: Object.values(counts.masks).reduce((a, b) => a + b, 0),
      perClass,
      perSource: counts.bySource,
    },
    encoder,
    activeModelId: active,
    activeModels: activeModels(store),
  };
}

function checkLocked(ctx: ServiceContext, dir: string): void {
  const locked = ctx.opts.lockedProject;
  if (locked && path.resolve(dir) !== path.resolve(locked))
    throw new ApiError(
      'forbidden',
      `this server is bound to ${locked}; start another 'spcxr serve' for ${dir}`,
    );
}

export function projectHandlers(ctx: ServiceContext): H {
  const opened = (s: ProjectSession): ProjectInfo => {
    ctx.setSession(s);
    ctx.opts.recent?.add(s.dir, s.store.info.name);
    const info = projectInfo(s);
    ctx.emit('project.changed', info);
    ctx.emit('history.changed', s.history.state());
    return info;
  };
  return {
    'project.open': ({ path: dir }) => {
      checkLocked(ctx, dir);
      const cur = ctx.current();
      if (cur && cur.dir === path.resolve(dir)) return projectInfo(cur);
      return opened(new ProjectSession(openProject(dir)));
    },
    'project.create': ({ path: dir, classes, name, maskClasses }) => {
      checkLocked(ctx, dir);
      return opened(new ProjectSession(createProject(dir, { classes, name, maskClasses })));
    },
    'project.info': () => ctx.info(),
    'project.close': () => {
      if (ctx.opts.lockedProject) throw new ApiError('forbidden', 'this server is bound to its project');
      ctx.setSession(null);
      return { ok: true as const };
    },
  };
}
