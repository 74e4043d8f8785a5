import { reportTrainedModel } from '../../core/app/evaluate.ts';
import { openProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';
import { engineFlags, num, progressTo, str, warningLines } from './engine-args.ts';

export const command: Command = {
  name: 'report',
  usage: 'spcxr report DIR [--model ID] --out FILE.html [--encoder DIR] [--ep NAME] [--json]',
  summary:
    'Write a self-contained HTML report of a trained classifier on its held-out validation images: ROC with its 95% ' +
    'band, calibration, confusion at its threshold, per-source table, shortcut warnings, n per class, encoder card and ' +
    'training configuration. Opens offline; prints to PDF from any browser.',
  async run({ positionals, flags, io }) {
    const [dir] = positionals;
    if (!dir) throw new UsageError('missing project folder');
    if (flags.out === undefined) throw new UsageError('--out FILE.html is required');
    const store = openProject(dir);
    try {
      const { data: d, out } = await reportTrainedModel(
        store,
        { ...engineFlags(flags), modelId: num(flags.model, 'model', true), out: str(flags.out, 'out') },
        { onProgress: progressTo(io) },
      );
      io.out(`model ${d.model.id}: report on ${d.n} validation images written to ${out}`);
      for (const l of warningLines(d.warnings)) io.out(l);
      return {
        json: {
          ok: true,
          modelId: d.model.id,
          out,
          n: d.n,
          nPerClass: d.nPerClass,
          auc: d.auc,
          warnings: d.warnings,
        },
        exitCode: EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
