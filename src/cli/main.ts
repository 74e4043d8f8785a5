import '../core/offline.ts';
import '../core/private-umask.ts';
import { parseArgs, parseCommandArgs } from './args.ts';
import { commands } from './commands/index.ts';
import { FLAG_SPECS, suggest } from './flag-spec.ts';
import { createIO } from './io.ts';
import { EXIT_USAGE, UsageError } from './types.ts';
import { appVersion } from './version.ts';

function usage(): string {
  return `usage: spcxr <command> [options]\n\ncommands: ${Object.keys(commands).sort().join(', ')}\nrun 'spcxr <command> --help' for details; 'spcxr --version' for the version`;
}

function usageFailure(message: string, json: boolean): number {
  process.stderr.write(`${message}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message.split('\n')[0] })}\n`);
  return EXIT_USAGE;
}

/** Entry point shared by the bin script, the packaged app and tests. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const loose = parseArgs(rest, new Set(['json']));
  const json = loose.flags.json === true || argv.includes('--json');
  if (name === '--version' || name === '-v' || name === 'version') {
    const version = appVersion();
    process.stdout.write(json ? `${JSON.stringify({ ok: true, version })}\n` : `spcxr ${version}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stderr.write(`${usage()}\n`);
    return name ? 0 : EXIT_USAGE;
  }
  const load = commands[name];
  if (!load) {
    const near = suggest(name, Object.keys(commands));
    const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`;
    return usageFailure(`spcxr: ${what}${near ? ` (did you mean '${near}'?)` : ''}\n${usage()}`, json);
  }
  const cmd = await load();
  let parsed: ReturnType<typeof parseCommandArgs>;
  try {
    parsed = parseCommandArgs(rest, FLAG_SPECS[name] ?? { value: [], boolean: [] });
  } catch (e) {
    return usageFailure(`spcxr ${name}: ${(e as Error).message}\nusage: ${cmd.usage}`, json);
  }
  const { positionals, flags } = parsed;
  const io = createIO(json);
  if (flags.help) {
    io.err(`usage: ${cmd.usage}\n${cmd.summary}`);
    return 0;
  }
  try {
    const { json: result, exitCode, printed } = await cmd.run({ positionals, flags, json, io });
    if (json && !printed) process.stdout.write(`${JSON.stringify(result)}\n`);
    return exitCode;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError) return usageFailure(`spcxr ${name}: ${message}\nusage: ${cmd.usage}`, json);
    io.err(`spcxr ${name}: ${message}`);
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    return EXIT_PARTIAL_OR_FATAL;
  }
}

/** A command that throws (not a usage error) failed as a whole: exit 1 with the reason. */
const EXIT_PARTIAL_OR_FATAL = 1;
