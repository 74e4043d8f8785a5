import type { Command } from '../types.ts';

/**
 * The command registry. Each command lives in its own file and is loaded lazily so that
 * `spcxr ls` does not pay for loading onnxruntime or TF.js.
 */
export const commands: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./init.ts')).command,
  import: async () => (await import('./import.ts')).command,
  ls: async () => (await import('./ls.ts')).command,
  classes: async () => (await import('./classes.ts')).command,
  export: async () => (await import('./export.ts')).command,
  doctor: async () => (await import('./doctor.ts')).command,
  serve: async () => (await import('./serve.ts')).command,
  app: async () => (await import('./app.ts')).command,
  train: async () => (await import('./train.ts')).command,
  predict: async () => (await import('./predict.ts')).command,
  eval: async () => (await import('./eval.ts')).command,
  report: async () => (await import('./report.ts')).command,
  recalibrate: async () => (await import('./recalibrate.ts')).command,
  threshold: async () => (await import('./threshold.ts')).command,
  suggest: async () => (await import('./suggest.ts')).command,
  demo: async () => (await import('./demo.ts')).command,
  'seg-import': async () => (await import('./seg-import.ts')).command,
  pacs: async () => (await import('./pacs.ts')).command,
  receive: async () => (await import('./receive.ts')).command,
};
