import { type FlagSpec, GLOBAL_BOOLEAN, knownFlags, suggest } from './flag-spec.ts';
import { UsageError } from './types.ts';

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

/** Minimal argv parser: `--key value`, `--key=value`, bare `--flag`, positionals. */
export function parseArgs(argv: string[], booleanFlags: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        flags[a.slice(2, eq)] = a.slice(eq + 1);
        continue;
      }
      const key = a.slice(2);
      const next = argv[i + 1];
      if (booleanFlags.has(key) || next === undefined || next.startsWith('--')) flags[key] = true;
      else {
        flags[key] = next;
        i++;
      }
    } else positionals.push(a);
  }
  return { positionals, flags };
}

/**
 * Parses a command's argv against its flag spec. An unknown flag (or a value given to a flag
 * that takes none) is a UsageError naming the closest known flag.
 */
export function parseCommandArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const booleans = new Set<string>([...spec.boolean, ...GLOBAL_BOOLEAN]);
  const parsed = parseArgs(argv, booleans);
  const known = knownFlags(spec);
  for (const [key, v] of Object.entries(parsed.flags)) {
    if (!known.includes(key)) {
      const near = suggest(key, known);
      throw new UsageError(`unknown option --${key}${near ? ` (did you mean --${near}?)` : ''}`);
    }
    if (booleans.has(key) && v !== true) throw new UsageError(`--${key} takes no value`);
  }
  return parsed;
}
