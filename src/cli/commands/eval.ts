import { evaluateExternal } from '../../core/app/evaluate.ts';
import { openProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';
import { engineFlags, metricLines, num, progressTo, str, targetFlags, warningLines } from './engine-args.ts';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');

export const command: Command = {
  name: 'eval',
  usage:
    'spcxr eval DIR --manifest CSV [--model ID] [--target-sensitivity X | --target-specificity X] [--report OUT.html] ' +
    '[--per-image] [--encoder DIR] [--ep NAME] [--json]',
  summary:
    'Evaluate a model on an external labelled set (import-manifest CSV with label and/or mask columns) without ' +
    'importing it: AUC with 95% CI, sensitivity/specificity, F1, accuracy, ECE per class and source; Dice/IoU/HD95 for masks. ' +
    'Warns when images were in training, when the set is unlike the training data (share flagged) and when the ' +
    'training labels depend on the source; --report writes a self-contained HTML report. Features are cached by file content.',
  async run({ positionals, flags, io }) {
    const [dir] = positionals;
    if (!dir) throw new UsageError('missing project folder');
    if (flags.manifest === undefined) throw new UsageError('--manifest CSV is required');
    const report = flags.report === undefined ? undefined : str(flags.report, 'report');
    const store = openProject(dir);
    try {
      const engine = engineFlags(flags);
      const r = await evaluateExternal(
        store,
        {
          ...engine,
          ...targetFlags(flags),
          manifest: str(flags.manifest, 'manifest'),
          modelId: num(flags.model, 'model', true),
          keepImages: flags['per-image'] === true,
          report,
        },
        { onProgress: progressTo(io) },
      );
      for (const f of r.failed) io.err(`failed: ${f.file}: ${f.reason}`);
      io.out(`model ${r.modelId} (${r.kind}) on ${r.manifest}:`);
      for (const l of metricLines(r.metrics)) io.out(l);
      const c = r.checks;
      if (c) {
        io.out(
          `n per class: ${Object.entries(c.nPerClass)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
        );
        if (c.ood)
          io.out(
            `unlike the training data: ${c.ood.flagged} of ${c.ood.n} (${(c.ood.share * 100).toFixed(1)} %, ` +
              `about ${(c.ood.expectedShare * 100).toFixed(0)} % expected without shift)`,
          );
        if (c.operating)
          io.out(
            `threshold for ${'sensitivity' in c.operating.target ? `sensitivity ≥ ${c.operating.target.sensitivity}` : `specificity ≥ ${(c.operating.target as { specificity: number }).specificity}`} on this set: ` +
              `${f3(c.operating.threshold)} → sensitivity ${f3(c.operating.sensitivity)}, specificity ${f3(c.operating.specificity)}`,
          );
        io.err(`features: ${c.features.computed} computed, ${c.features.cached} from the cache`);
      }
      for (const l of warningLines(r.warnings)) io.out(l);
      if (r.report) io.out(`report: ${r.report}`);
      const { images, report: written, ...rest } = r;
      return {
        json: {
          ok: r.failed.length === 0,
          ...rest,
          ...(flags['per-image'] === true ? { images } : {}),
          warnings: r.warnings ?? [],
          ...(written ? { report: written } : {}),
        },
        exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
