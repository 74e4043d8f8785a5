import type { JobKind } from '../../core/api/contract.ts';
import type { JobRunner } from '../types.ts';
import { runExportJob } from './export.ts';
import { runImportJob } from './import.ts';

/** One runner per job kind of the contract. */
export const runners: Record<JobKind, JobRunner> = {
  import: runImportJob,
  features: notYet('features'),
  train: notYet('train'),
  suggest: notYet('suggest'),
  export: runExportJob,
};

function notYet(kind: string): JobRunner {
  return async () => {
    throw new Error(`${kind} jobs are not wired to the engine yet`);
  };
}
