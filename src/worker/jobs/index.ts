import type { JobKind } from '../../core/api/contract.ts';
import type { JobRunner } from '../types.ts';
import { runExportJob } from './export.ts';
import { runFeaturesJob } from './features.ts';
import { runImportJob } from './import.ts';
import { runReportJob } from './report.ts';
import { runRetrieveJob } from './retrieve.ts';
import { runSuggestJob } from './suggest.ts';
import { runTrainJob } from './train.ts';

/** One runner per job kind of the contract. */
export const runners: { [K in JobKind]: JobRunner<K> } = {
  import: runImportJob,
  features: runFeaturesJob,
  train: runTrainJob,
  suggest: runSuggestJob,
  export: runExportJob,
  retrieve: runRetrieveJob,
  report: runReportJob,
};
