import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, CommandContext, CommandResult } from '../types.ts';
import { EXIT_OK, UsageError } from '../types.ts';
import { commands } from './index.ts';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sample');

/** Runs one registered command in-process with the demo's context, so each step is the real CLI. */
async function step(
  ctx: CommandContext,
  name: string,
  positionals: string[],
  flags: Record<string, string | boolean>,
): Promise<CommandResult> {
  ctx.io.err(
    `\n$ spcxr ${name} ${positionals.join(' ')} ${Object.entries(flags)
      .map(([k, v]) => (v === true ? `--${k}` : `--${k} ${v}`))
      .join(' ')}`,
  );
  const cmd = await commands[name]();
  const r = await cmd.run({ ...ctx, positionals, flags: { ...flags, json: ctx.json } });
  if (r.exitCode !== EXIT_OK) throw new Error(`step '${name}' failed (exit ${r.exitCode})`);
  return r;
}

export const command: Command = {
  name: 'demo',
  usage: 'spcxr demo [DIR] [--encoder DIR] [--json]',
  summary:
    'The main job on the bundled sample (20 NIH + 20 Kermany CXRs): create a project, import with labels, ' +
    'extract features, train a classifier, score every image and suggest what to label next.',
  async run(ctx) {
    if (ctx.positionals.length > 1) throw new UsageError('expected at most one project folder');
    const dir = path.resolve(ctx.positionals[0] ?? 'spcxr-demo');
    const engine: Record<string, string | boolean> = {};
    if (typeof ctx.flags.encoder === 'string') engine.encoder = ctx.flags.encoder;
    if (!existsSync(path.join(dir, 'project.sqlite'))) {
      await step(ctx, 'init', [dir], { classes: 'normal,pneumonia' });
    }
    const imported = await step(ctx, 'import', [dir], { manifest: path.join(SAMPLE, 'manifest.csv') });
    const trained = await step(ctx, 'train', [dir], { task: 'classify', head: 'linear', ...engine });
    const predicted = await step(ctx, 'predict', [dir], engine);
    const suggested = await step(ctx, 'suggest', [dir], { n: '5', ...engine });
    ctx.io.out(
      '\nThe sample is tiny (32 labels; the estimate above is cross-validated and says how little 32 labels ' +
        'can show), so its metrics are only a smoke check that every step runs, not a measure of accuracy; ' +
        'docs/BENCHMARKS.md has the figures on 1,000–5,000 real images.',
    );
    ctx.io.out(
      `Done. Open the project in a desktop window with:\n  npx spcxr app ${dir}\nor in any browser with:\n  npx spcxr serve ${dir}`,
    );
    return {
      json: {
        ok: true,
        dir,
        import: imported.json,
        train: trained.json,
        predict: predicted.json,
        suggest: suggested.json,
      },
      exitCode: EXIT_OK,
    };
  },
};
