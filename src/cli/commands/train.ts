import { trainAndScore } from '../../core/app/train.ts';
import { openProject } from '../../core/store/index.ts';
import type { ClassifierHead } from '../../core/train/index.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';
import { engineFlags, metricLines, num, progressTo, str } from './engine-args.ts';

const HEADS = ['linear', 'attentive', 'blocks:1', 'blocks:2'];

export const command: Command = {
  name: 'train',
  usage:
    'spcxr train DIR --task classify|segment [--head linear|attentive|blocks:k] [--label-task NAME] [--mask-class NAME] ' +
    '[--epochs N] [--seed N] [--augment] [--plain-grid [--stem]] [--encoder DIR] [--ep cpu|webgpu|…] [--json]',
  summary:
    "Train a head on the project's labels (classify) or masks (segment) over the frozen encoder; computes missing " +
    'features first. Prints validation metrics (patient-grouped split) and the new model id.',
  async run({ positionals, flags, io }) {
    const [dir] = positionals;
    if (!dir) throw new UsageError('missing project folder');
    const task = flags.task === undefined ? 'classify' : str(flags.task, 'task');
    if (task !== 'classify' && task !== 'segment')
      throw new UsageError(`--task ${task}: use classify or segment`);
    const head = flags.head === undefined ? 'linear' : str(flags.head, 'head');
    if (!HEADS.includes(head)) throw new UsageError(`--head ${head}: use ${HEADS.join(', ')}`);
    const store = openProject(dir);
    try {
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
          maskClass: flags['mask-class'] === undefined ? undefined : str(flags['mask-class'], 'mask-class'),
          engine: {
            encoderDir,
            task: flags['label-task'] === undefined ? undefined : str(flags['label-task'], 'label-task'),
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
        `model ${r.modelId} "${r.name}": trained on ${r.trainImages} images, validated on ${r.valImages}`,
      );
      io.out(r.promoted ? `active ${task} model (${r.promotion})` : r.promotion);
      for (const l of metricLines(r.metrics)) io.out(l);
      return { json: { ok: true, ...r }, exitCode: EXIT_OK };
    } finally {
      store.close();
    }
  },
};
