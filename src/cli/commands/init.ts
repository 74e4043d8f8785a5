import { createProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';

export const command: Command = {
  name: 'init',
  usage: 'spcxr init DIR [--classes a,b,c] [--mask-classes lung] [--name NAME] [--json]',
  summary: 'Create a project folder with its database and label schema.',
  async run({ positionals, flags, io }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one project folder');
    const list = (v: string | boolean | undefined, flag: string) => {
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw new UsageError(`--${flag} needs a comma-separated list`);
      return v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    };
    if (flags.name !== undefined && typeof flags.name !== 'string')
      throw new UsageError('--name needs a value');
    const store = createProject(positionals[0], {
      classes: list(flags.classes, 'classes'),
      maskClasses: list(flags['mask-classes'], 'mask-classes'),
      name: flags.name as string | undefined,
    });
    try {
      const classes = store.listClasses('image').map((c) => c.name);
      const maskClasses = store.listClasses('mask').map((c) => c.name);
      io.out(`created project ${store.dir}`);
      io.out(
        `  image classes: ${classes.join(', ') || "(none yet: add them with 'spcxr classes DIR add NAME', in the app, or by importing a manifest)"}`,
      );
      io.out(`  mask classes:  ${maskClasses.join(', ')}`);
      return {
        json: { ok: true, dir: store.dir, name: store.info.name, classes, maskClasses },
        exitCode: EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
