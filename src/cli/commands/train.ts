import { trainAndScore } from '../../core/app/train.ts';
import { trainingChecks } from '../../core/eval/training-checks.ts';
import { openProject } from '../../core/store/index.ts';
import { DEFAULT_TASK } from '../../core/store/types.ts';
import { type ClassifierHead, labelledImages } from '../../core/train/index.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';
import { engineFlags, metricLines, num, progressTo, str, targetFlags, warningLines } from './engine-args.ts';

const HEADS = ['linear', 'attentive', 'blocks:1', 'blocks:2', 'auto'];

export const command: Command = {
  name: 'train',
  usage:
    'spcxr train DIR --task classify|segment [--head linear|attentive|blocks:k] [--label-task NAME] [--mask-class NAME] ' +
    '[--epochs N] [--seed N] [--augment] [--all] [--target-sensitivity X | --target-specificity X] [--plain-grid [--stem]] ' +
    '[--encoder DIR] [--ep cpu|webgpu|…] [--json]',
  summary:
    "Train a head on the project's labels (classify) or masks (segment) over the frozen encoder; computes missing " +
    'features first. Prints validation metrics (patient-grouped split) and the new model id, and warns before and ' +
    'after training when the labels depend on the source (a shortcut the model can learn instead of the disease).',
  async run({ positionals, flags, io }) {
    const [dir] = positionals;
    if (!dir) throw new UsageError('missing project folder');
    const task = flags.task === undefined ? 'classify' : str(flags.task, 'task');
    if (task !== 'classify' && task !== 'segment')
      throw new UsageError(`--task ${task}: use classify or segment`);
    const head = flags.head === undefined ? 'linear' : str(flags.head, 'head');
    if (!HEADS.includes(head)) throw new UsageError(`--head ${head}: use ${HEADS.join(', ')}`);
    const target = targetFlags(flags);
    const store = openProject(dir);
    try {
      const labelTask =
        flags['label-task'] === undefined ? undefined : str(flags['label-task'], 'label-task');
      if (task === 'classify') {
        // Before training: label × source needs no features, so the user is warned up front.
        const pre = trainingChecks(store, labelledImages(store, labelTask ?? DEFAULT_TASK));
        for (const l of warningLines(pre.warnings)) io.err(l);
      }
      const { encoderDir, provider } = engineFlags(flags);
      const r = await trainAndScore(
        store,
        {
          task,
          head: head as ClassifierHead,
          provider,
          epochs: num(flags.epochs, 'epochs', true),
          seed: num(flags.seed, 'seed', true),
          learningRate: num(flags.lr, 'lr'),
          augment: flags.augment === true,
          all: flags.all === true,
          maskClass: flags['mask-class'] === undefined ? undefined : str(flags['mask-class'], 'mask-class'),
          engine: {
            encoderDir,
            task: labelTask,
            ...target,
            // --plain-grid: the first decoder (G×G tokens, 4× fewer encoder passes, lower Dice)
            dense: flags['plain-grid'] !== true,
            stem: flags.stem === true,
          },
          score: false,
        },
        { onProgress: progressTo(io) },
      );
      io.err(`encoder on ${r.provider}; heads on TF.js ${r.backend}`);
      io.out(
        r.valImages
          ? `model ${r.modelId} "${r.name}": trained on ${r.trainImages} images, validated on ${r.valImages}`
          : `model ${r.modelId} "${r.name}": trained on all ${r.trainImages} labelled images`,
      );
      io.out(r.promoted ? `active ${task} model (${r.promotion})` : r.promotion);
      for (const l of metricLines(r.metrics)) io.out(l);
      const warnings = 'warnings' in r.metrics ? (r.metrics.warnings ?? []) : [];
      for (const l of warningLines(warnings)) io.out(l);
      return { json: { ok: true, ...r, warnings }, exitCode: EXIT_OK };
    } finally {
      store.close();
    }
  },
};
