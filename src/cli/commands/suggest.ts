import { suggestForProject } from '../../core/active/project.ts';
import { type ActiveTask, STRATEGIES, type StrategyName } from '../../core/active/types.ts';
import { registryFor } from '../../core/app/models.ts';
import { lungMaskExcluded } from '../../core/app/seg-predictions.ts';
import { openProject } from '../../core/store/index.ts';
import { releaseEncoders } from '../../core/train/engine.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';

const TASKS: ActiveTask[] = ['classify', 'segment'];

export const command: Command = {
  name: 'suggest',
  usage: `spcxr suggest DIR [--n 10] [--strategy ${STRATEGIES.join('|')}] [--task classify|segment] [--seed N] [--encoder DIR] [--serve] [--no-train] [--json]`,
  summary:
    'Which images to label next, and why. Computes missing features and (with enough labels) a classifier; with no labels it falls back to cold start and says so.',
  async run({ positionals, flags, io }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one project folder');
    const n = flags.n === undefined ? 10 : Number(flags.n);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--n must be a positive integer, got '${flags.n}'`);
    const strategy = String(flags.strategy ?? 'hybrid') as StrategyName;
    if (!STRATEGIES.includes(strategy))
      throw new UsageError(`unknown --strategy '${strategy}' (${STRATEGIES.join(', ')})`);
    const task = String(flags.task ?? 'classify') as ActiveTask;
    if (!TASKS.includes(task)) throw new UsageError(`unknown --task '${task}' (classify, segment)`);
    const seed = flags.seed === undefined ? undefined : Number(flags.seed);
    if (seed !== undefined && !Number.isInteger(seed))
      throw new UsageError(`--seed must be an integer, got '${flags.seed}'`);
    const store = openProject(positionals[0]);
    try {
      const r = await suggestForProject(
        store,
        {
          task,
          strategy,
          n,
          encoderDir: typeof flags.encoder === 'string' ? flags.encoder : undefined,
          train: flags['no-train'] !== true,
          markServed: flags.serve === true,
          registry: registryFor(store),
          // Non-chest and multi-frame images are never offered for lung masks.
          exclude: task === 'segment' ? new Set(lungMaskExcluded(store).keys()) : undefined,
          seed,
        },
        { onProgress: (p) => io.progress(p.phase, p.done, p.total) },
      );
      if (r.fallback) io.err(`note: ${r.fallback}`);
      if (r.trained) io.err(`trained classifier model ${r.modelId} on ${r.labelled} labels`);
      io.out(
        `${r.suggestions.length} suggestions (${r.used}${r.used !== r.requested ? `, asked for ${r.requested}` : ''}) from ${r.candidates} unlabelled images, ${r.labelled} labelled`,
      );
      r.suggestions.forEach((s, i) => {
        const pre = s.prefill ? `  [${s.prefill.label} ${Math.round(s.prefill.confidence * 100)} %]` : '';
        io.out(`${String(i + 1).padStart(3)}. #${s.imageNumber} ${s.originalPath}${pre}\n     ${s.reason}`);
      });
      return {
        json: {
          ok: true,
          requested: r.requested,
          strategy: r.used,
          fallback: r.fallback ?? null,
          task,
          labelled: r.labelled,
          candidates: r.candidates,
          deferred: r.deferredCount,
          modelId: r.modelId,
          trained: r.trained,
          ms: r.ms,
          suggestions: r.suggestions.map((s) => ({
            imageId: s.imageNumber,
            path: s.path,
            originalPath: s.originalPath,
            reason: s.reason,
            reasonCode: s.reasonCode,
            strategy: s.strategy,
            score: s.score,
            deferred: s.deferred,
            prefill: s.prefill ?? null,
            prefillMask: s.prefillMask ?? null,
          })),
        },
        exitCode: EXIT_OK,
      };
    } finally {
      store.close();
      await releaseEncoders();
    }
  },
};
