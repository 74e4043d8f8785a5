import { openProject } from '../../core/store/index.ts';
import { predict } from '../../core/train/index.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';
import { engineFlags, num, progressTo, warningLines } from './engine-args.ts';

export const command: Command = {
  name: 'predict',
  usage: 'spcxr predict DIR [--model ID] [--encoder DIR] [--ep NAME] [--json]',
  summary:
    "Score the project's images with a model (default: the active classifier) and store the predictions, apart from labels.",
  async run({ positionals, flags, io }) {
    const [dir] = positionals;
    if (!dir) throw new UsageError('missing project folder');
    const store = openProject(dir);
    try {
      const r = await predict(
        store,
        { ...engineFlags(flags), modelId: num(flags.model, 'model', true) },
        { onProgress: progressTo(io) },
      );
      io.out(`model ${r.modelId} (${r.kind}): scored ${r.scored} images in ${(r.ms / 1000).toFixed(1)} s`);
      if (r.predicted)
        io.out(
          `decided ${Object.entries(r.predicted)
            .map(([c, n]) => `${n} ${c}`)
            .join(', ')}` +
            (typeof r.threshold === 'number'
              ? ` at threshold ${r.threshold.toFixed(3)}${r.thresholdRule ? ` (${r.thresholdRule}, chosen by the user)` : ''}`
              : ''),
        );
      if (r.ood)
        io.out(
          `unlike the training data: ${r.ood.flagged} of ${r.ood.n} (${(r.ood.share * 100).toFixed(1)} %, ` +
            `about ${(r.ood.expectedShare * 100).toFixed(0)} % expected without shift)`,
        );
      for (const l of warningLines(r.warnings)) io.out(l);
      return { json: { ok: true, ...r, warnings: r.warnings ?? [] }, exitCode: EXIT_OK };
    } finally {
      store.close();
    }
  },
};
