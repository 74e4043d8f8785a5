import os from 'node:os';
import path from 'node:path';
import { importSeg } from '../../core/interop/seg/import.ts';
import { openProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';

export const command: Command = {
  name: 'seg-import',
  usage: 'spcxr seg-import DIR FILE... [--author NAME] [--json]',
  summary:
    'Read binary DICOM SEG files as masks: each segment becomes the mask class of its label, on the image ' +
    'whose SOP Instance UID the frame references (PNG/JPEG images: the UIDs a SEG export generated).',
  async run({ positionals, flags, io }) {
    if (positionals.length < 2) throw new UsageError('expected a project folder and at least one SEG file');
    const [dir, ...files] = positionals;
    const author = typeof flags.author === 'string' ? flags.author : os.userInfo().username;
    const store = openProject(dir);
    try {
      const r = await importSeg(
        store,
        files.map((f) => path.resolve(f)),
        { author },
      );
      for (const f of r.failed) io.err(`failed: ${f.file}: ${f.reason}`);
      io.out(`imported ${r.imported.length} mask(s) from ${files.length - r.failed.length} file(s)`);
      if (r.classesAdded.length) io.out(`  mask classes added: ${r.classesAdded.join(', ')}`);
      return {
        json: { ok: r.failed.length === 0, ...r },
        exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
