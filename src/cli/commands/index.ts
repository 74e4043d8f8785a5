import type { Command } from '../types.ts';

/**
 * The command registry. Each command lives in its own file and is loaded lazily so that
 * `spcxr ls` does not pay for loading onnxruntime or TF.js.
 */
export const commands: Record<string, () => Promise<Command>> = {
};
