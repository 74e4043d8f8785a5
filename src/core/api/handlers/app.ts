import '../../offline.ts';
import os from 'node:os';
import { state } from '../../app/state.ts';
import type { ApiHandlers } from '../contract.ts';
import { checkShippedModels } from '../model-check.ts';
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
      const checks = [
        {
          name: 'node',
          ok: true,
          detail: `${process.version} on ${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs`,
        },
      ];
      const s = ctx.current();
      if (s) {
        const r = s.store.integrityCheck();
        const problems = [...r.errors, ...r.warnings].map((p) => p.message);
        checks.push({
          name: 'project database',
          ok: r.ok,
          detail:
            r.ok && !problems.length ? `${r.checkedImages} images checked` : problems.slice(0, 5).join('; '),
        });
      }
      if (ctx.opts.modelsDir) {
        const models = await checkShippedModels(ctx.opts.modelsDir);
        if (!models.length)
          checks.push({ name: 'models', ok: false, detail: `no encoder in ${ctx.opts.modelsDir}` });
        for (const m of models) checks.push({ name: `model ${m.name}`, ok: m.ok, detail: m.detail });
      }
      let executionProviders: string[] = [];
      try {
        // Loaded lazily: the native addon is only needed here and in the worker.
        const ort = await import('onnxruntime-node');
        executionProviders = ort
          .listSupportedBackends()
          .filter((b) => b.bundled)
          .map((b) => b.name);
        checks.push({ name: 'onnxruntime', ok: true, detail: executionProviders.join(', ') });
      } catch (e) {
        checks.push({ name: 'onnxruntime', ok: false, detail: (e as Error).message });
      }
      const enc = s ? state.encoder.get(s.store) : null;
      return {
        checks,
        executionProviders,
        gpuAdapter: enc?.executionProvider === 'webgpu' ? (enc.device ?? null) : null,
      };
    },

    'app.recentProjects': () => ctx.opts.recent?.list() ?? [],
    'settings.get': () => ctx.session().settings(),
    'settings.set': (patch) => ctx.session().saveSettings(patch),
  };
}
