import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertSafeExportPath, UnsafeExportPathError } from '../../export/safe-path.ts';
import { ApiError, type ApiHandlers } from '../contract.ts';
import { EXPORTS_DIR } from '../media.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<
  ApiHandlers,
  | 'jobs.list'
  | 'jobs.get'
  | 'jobs.cancel'
  | 'import.start'
  | 'train.start'
  | 'features.start'
  | 'export.start'
>;

export function jobHandlers(ctx: ServiceContext): H {
  const start = (kind: Parameters<typeof ctx.jobs.start>[0], params: unknown) => {
    const s = ctx.session();
    return { jobId: ctx.jobs.start(kind, s.dir, params).id };
  };
  return {
    'jobs.list': () => ctx.jobs.list(),
    'jobs.get': ({ jobId }) => {
      const job = ctx.jobs.get(jobId);
      if (!job) throw new ApiError('not_found', `no job ${jobId}`);
      return job;
    },
    'jobs.cancel': ({ jobId }) => {
      if (!ctx.jobs.get(jobId)) throw new ApiError('not_found', `no job ${jobId}`);
      return { cancelled: ctx.jobs.cancel(jobId) };
    },
    'import.start': (p) => {
      if (!p.paths.length && !p.manifest)
        throw new ApiError('bad_request', 'import: give paths or a manifest');
      const grants = ctx.opts.pathGrants;
      for (const f of [...p.paths, ...(p.manifest ? [p.manifest] : [])])
        if (grants && !grants.allows(f))
          throw new ApiError(
            'forbidden',
            `${f}: not a place this app may import from (${ctx.opts.shell === 'serve' ? "upload the files, or restart 'spcxr serve' with --import-root FOLDER" : 'choose it with Import… or drop it on the window'})`,
          );
      return start('import', p);
    },
    'train.start': (p) => start('train', { ...p, provider: ctx.session().settings().executionProvider }),
    'features.start': () => start('features', { provider: ctx.session().settings().executionProvider }),
    'export.start': (p) => {
      const s = ctx.session();
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const name = p.format === 'csv' ? `${stamp}-labels.csv` : `${stamp}-${p.format}`;
      const out = path.resolve(s.dir, p.out ?? path.join(EXPORTS_DIR, name));
      const rel = path.relative(path.join(s.dir, EXPORTS_DIR), out);
      const inside = rel && !rel.startsWith('..') && !path.isAbsolute(rel);
      const grants = ctx.opts.pathGrants;
      const mayWrite = inside || (!ctx.opts.lockedProject && (!grants || grants.allows(out)));
      if (!mayWrite)
        throw new ApiError(
          'forbidden',
          `this app writes exports only under ${path.join(s.dir, EXPORTS_DIR)}`,
        );
      try {
        assertSafeExportPath(s.dir, out);
      } catch (e) {
        if (e instanceof UnsafeExportPathError) throw new ApiError('forbidden', e.message);
        throw e;
      }
      mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
      const url = inside ? ctx.opts.urls.file(rel.split(path.sep).join('/')) : null;
      return start('export', { ...p, out, url });
    },
  };
}
