import path from 'node:path';
import { projectInfo as overview } from '../../app/project.ts';
import { ProjectSession } from '../../app/session.ts';
import { createProject, openProject } from '../../store/index.ts';
import { ApiError, type ApiHandlers, type ProjectInfo } from '../contract.ts';
import { encoderInfo } from '../encoder-info.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<ApiHandlers, 'project.open' | 'project.create' | 'project.info' | 'project.close'>;

/** The project overview (`core/app/project.ts`) plus what the shell knows of the encoder. */
export function projectInfo(s: ProjectSession, modelsDir?: string): ProjectInfo {
  return { ...overview(s), encoder: encoderInfo(s.store, modelsDir) };
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
