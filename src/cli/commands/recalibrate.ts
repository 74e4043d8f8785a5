import { recalibrateModel } from '../../core/app/recalibrate-model.ts';
import { targetFrom } from '../../core/eval/operating.ts';
import { openProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';
import { engineFlags, metricLines, num, progressTo, str, targetFlags, warningLines } from './engine-args.ts';

export const command: Command = {
  name: 'recalibrate',
  usage:
    'spcxr recalibrate DIR --manifest SITE.csv [--model ID] [--target-specificity X | --target-sensitivity X] ' +
    '[--confidence C] [--name NAME] [--encoder DIR] [--ep NAME] [--json]',
  summary:
    'Adapt a two-class model to a new site from a few labelled images of that site (manifest CSV): rescales and shifts ' +
    'its log-odds (temperature and intercept) and re-chooses the threshold (default: specificity ≥ 0.8) so that the target holds with ' +
    'one-sided confidence C (default 0.95, Clopper–Pearson; 0 = exactly at the target), refusing when the labels cannot ' +
    'support it. Saves a new model; the head is unchanged.',
  async run({ positionals, flags, io }) {
    const [dir] = positionals;
    if (!dir) throw new UsageError('missing project folder');
    if (flags.manifest === undefined) throw new UsageError('--manifest SITE.csv is required');
    const target = targetFrom(targetFlags(flags));
    const store = openProject(dir);
    try {
      const r = await recalibrateModel(
        store,
        {
          ...engineFlags(flags),
          manifest: str(flags.manifest, 'manifest'),
          modelId: num(flags.model, 'model', true),
          target,
          confidence: num(flags.confidence, 'confidence'),
          name: flags.name === undefined ? undefined : str(flags.name, 'name'),
        },
        { onProgress: progressTo(io) },
      );
      for (const f of r.failed) io.err(`failed: ${f.file}: ${f.reason}`);
      const c = r.recalibration;
      io.out(
        `model ${r.modelId}: model ${r.fromModelId} recalibrated on ${c.n} site images ` +
          `(${Object.entries(c.nPerClass)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}): slope ${c.a.toFixed(3)}, ` +
          `intercept ${c.b.toFixed(3)}, threshold ${c.threshold.toFixed(3)}`,
      );
      const op = c.operating;
      if (op) {
        const spec = 'specificity' in op.target;
        io.out(
          `at that threshold on the site labels: ${spec ? 'specificity' : 'sensitivity'} ${(spec ? op.specificity : op.sensitivity).toFixed(3)}, ` +
            `at least ${op.bound.toFixed(3)} with ${Math.round(op.confidence * 100)} % confidence (one-sided Clopper–Pearson, ` +
            `${op.nTargetClass} images); ${spec ? 'sensitivity' : 'specificity'} ${(spec ? op.sensitivity : op.specificity).toFixed(3)}`,
        );
      }
      io.out('on those same site labels (in-sample, optimistic):');
      for (const l of metricLines(r.metrics)) io.out(l);
      for (const l of warningLines(r.warnings)) io.out(l);
      // A recalibrated model is saved beside the active classifier, not in its place.
      io.out(
        `the active classifier is unchanged: score with this one by 'spcxr predict ${dir} --model ${r.modelId}', or activate it in the app's model list`,
      );
      return {
        json: { ok: r.failed.length === 0, ...r },
        exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
