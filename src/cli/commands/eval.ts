import { openProject } from '../../core/store/index.ts';
import { evaluateManifest } from '../../core/train/index.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';
import { engineFlags, metricLines, num, progressTo, str } from './engine-args.ts';

export const command: Command = {
  name: 'eval',
  usage: 'spcxr eval DIR --manifest CSV [--model ID] [--encoder DIR] [--ep NAME] [--json]',
  summary:
    'Evaluate a model on an external labelled set (import-manifest CSV with label and/or mask columns) without ' +
    'importing it: AUC with 95% CI, sensitivity/specificity, F1, accuracy, ECE per class and source; Dice/IoU/HD95 for masks.',
  async run({ positionals, flags, io }) {
    const [dir] = positionals;
    if (!dir) throw new UsageError('missing project folder');
    if (flags.manifest === undefined) throw new UsageError('--manifest CSV is required');
    const store = openProject(dir);
    try {
      const r = await evaluateManifest(
        store,
        {
          ...engineFlags(flags),
          manifest: str(flags.manifest, 'manifest'),
          modelId: num(flags.model, 'model', true),
        },
        { onProgress: progressTo(io) },
      );
      for (const f of r.failed) io.err(`failed: ${f.file}: ${f.reason}`);
      io.out(`model ${r.modelId} (${r.kind}) on ${r.manifest}:`);
      for (const l of metricLines(r.metrics)) io.out(l);
      return {
        json: { ok: r.failed.length === 0, ...r },
        exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
