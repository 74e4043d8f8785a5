import '../core/offline.ts';
import { parseArgs } from './args.ts';
import { commands } from './commands/index.ts';
import { createIO } from './io.ts';
import { EXIT_USAGE, UsageError } from './types.ts';

// Flags that never take a value, so `--unlabelled DIR` does not swallow DIR.
const BOOLEAN_FLAGS = new Set([
  'json',
  'help',
  'copy',
  'reference',
  'force',
  'verbose',
  'unlabelled',
  'augment',
  'stem',
  'plain-grid',
  'serve',
  'no-train',
  'deidentify',
  'yes',
]);

function usage(): string {
  return `usage: spcxr <command> [options]\n\ncommands: ${Object.keys(commands).sort().join(', ')}\nrun 'spcxr <command> --help' for details`;
}

/** Entry point shared by the bin script, the packaged app and tests. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const { positionals, flags } = parseArgs(rest, BOOLEAN_FLAGS);
  const json = flags.json === true;
  const io = createIO(json);
  if (!name || name === '--help' || name === 'help') {
    io.err(usage());
    return name ? 0 : EXIT_USAGE;
  }
  const load = commands[name];
  if (!load) {
    io.err(`spcxr: unknown command '${name}'\n${usage()}`);
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: `unknown command '${name}'` })}\n`);
    return EXIT_USAGE;
  }
  const cmd = await load();
  if (flags.help) {
    io.err(`usage: ${cmd.usage}\n${cmd.summary}`);
    return 0;
  }
  try {
    const { json: result, exitCode } = await cmd.run({ positionals, flags, json, io });
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    return exitCode;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError) {
      io.err(`spcxr ${name}: ${message}\nusage: ${cmd.usage}`);
      if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
      return EXIT_USAGE;
    }
    io.err(`spcxr ${name}: ${message}`);
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    return EXIT_PARTIAL_OR_FATAL;
  }
}

/** A command that throws (not a usage error) failed as a whole: exit 1 with the reason. */
const EXIT_PARTIAL_OR_FATAL = 1;
