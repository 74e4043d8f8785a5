import '../../offline.ts';
import { doctor } from '../../app/doctor.ts';
import { state } from '../../app/state.ts';
import type { ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<
  ApiHandlers,
  'app.info' | 'app.doctor' | 'app.recentProjects' | 'settings.get' | 'settings.set'
>;

export function appHandlers(ctx: ServiceContext): H {
  return {
    'app.info': () => ({
      version: ctx.opts.version ?? '0.0.0',
      shell: ctx.opts.shell,
      node: process.versions.node,
      electron: ctx.opts.electronVersion ?? null,
      platform: process.platform,
      arch: process.arch,
      project: ctx.current()?.dir ?? null,
      projectLocked: Boolean(ctx.opts.lockedProject),
    }),

    'app.doctor': async () => {
      const s = ctx.current();
      const enc = s ? state.encoder.get(s.store) : null;
      // The adapter the features job found (probing again takes up to 15 s).
      const gpuAdapter = enc?.executionProvider === 'webgpu' ? (enc.device ?? 'WebGPU adapter') : null;
      const d = await doctor({
        modelsDir: ctx.opts.modelsDir,
        project: s?.store,
        adapter: gpuAdapter ? { description: gpuAdapter } : null,
      });
      return {
        ok: d.ok,
        verdict: d.verdict,
        checks: d.checks,
        executionProviders: d.backends.filter((b) => b.usable).map((b) => b.name),
        gpuAdapter: enc?.executionProvider === 'webgpu' ? (enc.device ?? null) : null,
      };
    },

    'app.recentProjects': () => ctx.opts.recent?.list() ?? [],
    'settings.get': () => ctx.session().settings(),
    'settings.set': (patch) => ctx.session().saveSettings(patch),
  };
}
