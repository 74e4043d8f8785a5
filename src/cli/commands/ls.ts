import { openProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';

export const command: Command = {
  name: 'ls',
  usage: 'spcxr ls DIR [--label NAME|--unlabelled] [--source S] [--limit N] [--json]',
  summary: 'Show the project summary (counts per class, source, split) and list its images.',
  async run({ positionals, flags, io, json }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one project folder');
    const limit = flags.limit === undefined ? (json ? -1 : 20) : Number(flags.limit);
    if (!Number.isInteger(limit)) throw new UsageError('--limit needs an integer (-1 for all)');
    if (flags.label !== undefined && typeof flags.label !== 'string')
      throw new UsageError('--label needs a name');
    if (flags.source !== undefined && typeof flags.source !== 'string')
      throw new UsageError('--source needs a name');
    const store = openProject(positionals[0]);
    try {
      const counts = store.counts();
      const page = store.listImages({
        label: flags.unlabelled === true ? null : (flags.label as string | undefined),
        source: flags.source as string | undefined,
        limit,
      });
      const classes = store.listClasses().map((c) => ({ name: c.name, kind: c.kind, task: c.task }));
      io.out(`${store.info.name}  (${store.dir})`);
      io.out(
        `images: ${counts.images} (${counts.byStatus.active} active, ${counts.byStatus.excluded} excluded)`,
      );
      for (const c of counts.labels) io.out(`  ${c.label ?? '(unlabelled)'}: ${c.count}`);
      io.out(`sources: ${fmt(counts.bySource)}`);
      io.out(`masks: ${fmt(counts.masks) || 'none'}`);
      io.out(`models: ${store.listModels().length}`);
      if (page.items.length) io.out('');
      for (const i of page.items) {
        io.out(
          `${String(i.id).padStart(6)}  ${(i.label ?? '-').padEnd(12)} ${i.hasMask ? 'M' : ' '} ${i.width}×${i.height}  ${i.originalPath}`,
        );
      }
      if (page.total > page.items.length)
        io.out(`… ${page.total - page.items.length} more (--limit -1 for all)`);
      const images = page.items.map((i) => ({
        id: i.id,
        sha256: i.sha256,
        file: i.originalPath,
        stored: i.storedPath,
        format: i.format,
        width: i.width,
        height: i.height,
        label: i.label,
        hasMask: i.hasMask,
        patientId: i.patientId,
        source: i.source,
        split: i.split,
        status: i.status,
      }));
      return {
        json: { ok: true, dir: store.dir, name: store.info.name, classes, counts, total: page.total, images },
        exitCode: EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};

function fmt(r: Record<string, number>): string {
  return Object.entries(r)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
