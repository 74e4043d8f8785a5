/** Contract every CLI command implements. One file per command in `src/cli/commands/`. */
export interface CommandContext {
  /** Positional arguments after the command name. */
  positionals: string[];
  /** Parsed `--flag value` / `--flag` options (values are strings, bare flags are `true`). */
  flags: Record<string, string | boolean>;
  /** True when `--json` was given: stdout must hold exactly one JSON object. */
  json: boolean;
  io: CliIO;
}

export interface CliIO {
  /** Human-readable line on stdout (suppressed in --json mode). */
  out(line: string): void;
  /** Diagnostics and progress on stderr (always allowed). */
  err(line: string): void;
  /** Progress on stderr: a bar on a TTY, sparse lines otherwise. */
  progress(label: string, done: number, total: number): void;
}

/** Exit codes: 0 all good, 1 some inputs failed (listed in the JSON), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_PARTIAL = 1;
export const EXIT_USAGE = 2;

export interface CommandResult {
  /** The machine-readable result printed by --json. */
  json: Record<string, unknown>;
  exitCode: number;
  /** True when the command already wrote its one JSON object (a long-running server does). */
  printed?: boolean;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  run(ctx: CommandContext): Promise<CommandResult>;
}

/** Thrown for bad usage; main prints the message and the command's usage, exit 2. */
export class UsageError extends Error {}
