import { setThreshold } from '../../core/app/model-threshold.ts';
import { activeModelId } from '../../core/app/models.ts';
import { ThresholdTarget } from '../../core/eval/threshold-contract.ts';
import { openProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';
import { num } from './engine-args.ts';

const f3 = (x: number | null) => (x === null ? '–' : x.toFixed(3));

export const command: Command = {
  name: 'threshold',
  usage:
    'spcxr threshold DIR [--model ID] (--target-sensitivity X | --target-specificity X | --value T) [--json]',
  summary:
    "Set a two-class classifier's decision threshold (default: the active classifier): the one reaching a target " +
    'sensitivity or specificity on its held-out (cross-validated) predictions, or T by hand. Stored with the model, ' +
    'with the rates at that point; predict, eval, suggestions and retrains of the task use it.',
  async run({ positionals, flags, io }) {
    const [dir] = positionals;
    if (!dir) throw new UsageError('missing project folder');
    const given = (['target-sensitivity', 'target-specificity', 'value'] as const).filter(
      (k) => flags[k] !== undefined,
    );
    if (given.length !== 1)
      throw new UsageError('give exactly one of --target-sensitivity X, --target-specificity X or --value T');
    const v = num(flags[given[0]], given[0])!;
    const raw =
      given[0] === 'value'
        ? { threshold: v }
        : given[0] === 'target-sensitivity'
          ? { sensitivity: v }
          : { specificity: v };
    const target = ThresholdTarget.safeParse(raw);
    if (!target.success) throw new UsageError(`--${given[0]} ${v} must be between 0 and 1 (e.g. 0.9)`);
    const store = openProject(dir);
    try {
      const id = num(flags.model, 'model', true) ?? activeModelId(store, 'classify');
      if (id === null || id === undefined)
        throw new UsageError(`${dir}: no classifier yet; run 'spcxr train' first`);
      const c = setThreshold(store, id, target.data, 'cli');
      io.out(
        `model ${id}: threshold ${c.threshold.toFixed(3)} (${c.rule}; was ${f3(c.previous)})` +
          (c.reached ? '' : ' — no threshold reaches the target on these images; the closest was taken'),
      );
      io.out(
        `on ${c.evaluatedOn} (${Object.entries(c.nPerClass)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}): sensitivity ${f3(c.at.sensitivity)} (at least ${f3(c.lower95.sensitivity)}), ` +
          `specificity ${f3(c.at.specificity)} (at least ${f3(c.lower95.specificity)}), 95 % one-sided bounds`,
      );
      return { json: { ok: true, modelId: id, ...c }, exitCode: EXIT_OK };
    } finally {
      store.close();
    }
  },
};
