import path from 'node:path';
import { activeModels } from '../../app/models.ts';
import { createProject, openProject } from '../../store/index.ts';
import { DEFAULT_TASK } from '../../store/types.ts';
import { ApiError, type ApiHandlers, type ProjectInfo } from '../contract.ts';
import { encoderInfo } from '../encoder-info.ts';
import type { ServiceContext } from '../service.ts';
import { ProjectSession } from '../session.ts';

type H = Pick<ApiHandlers, 'project.open' | 'project.create' | 'project.info' | 'project.close'>;

/** Counts come from counters the store keeps in each write's transaction: O(1) in the project size. */
export function projectInfo(s: ProjectSession, modelsDir?: string): ProjectInfo {
  const { store } = s;
  s.syncGrid();
  const c = store.gridCounts();
  const classes = store.listClasses();
  const perClass: Record<string, number> = {};
  for (const cl of classes)
    if (cl.kind === 'image' && cl.task === DEFAULT_TASK) perClass[cl.name] = c.byClassId[cl.id] ?? 0;
  const labelled = Object.values(c.byClassId).reduce((a, b) => a + b, 0);
  const encoder = encoderInfo(store, modelsDir);
  return {
    path: store.dir,
    name: store.info.name,
    classes: classes.map((cl) => ({ id: cl.id, name: cl.name, kind: cl.kind, color: cl.color })),
    counts: {
      images: c.images,
      labelled,
      unlabelled: c.images - labelled,
      suggested: c.byState.suggested,
      needsReview: c.byState['needs-review'],
      masks: c.masks,
      perClass,
      perSource: c.bySource,
    },
    encoder,
    activeModelId: s.activeModelId(),
    activeModels: activeModels(store),
    authors: store.listAuthors(),
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
    const info = projectInfo(s, ctx.opts.modelsDir);
    ctx.emit('project.changed', info);
    ctx.emit('history.changed', s.history.state());
    return info;
  };
  return {
    'project.open': ({ path: dir }) => {
      checkLocked(ctx, dir);
      const cur = ctx.current();
      if (cur && cur.dir === path.resolve(dir)) return projectInfo(cur, ctx.opts.modelsDir);
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
