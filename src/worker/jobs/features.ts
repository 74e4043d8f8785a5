import { residentFeatures } from '../../core/active/resident.ts';
import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { ensurePoolFeatures } from '../../core/model/pool-features.ts';
import { getEncoder } from '../../core/train/index.ts';
import type { JobRunner } from '../types.ts';
import { engineControl } from './engine-options.ts';
import { recordEncoder } from './record-encoder.ts';

/** Caches the pooled features of every image (what suggestions and the linear probe read). */
export const runFeaturesJob: JobRunner<'features'> = async (ctx) => {
  const { store } = ctx;
  const { provider } = jobSchemas.features.params.parse(ctx.params ?? {});
  const encoder = await getEncoder(store, { provider });
  recordEncoder(store, encoder);
  const ids = store.listImages({ status: 'active', limit: 1e9 }).items.map((i) => i.id);
  const r = await ensurePoolFeatures(store, encoder, ids, engineControl(ctx));
  // The next suggestion pass finds the matrix in memory, and a new worker finds its file.
  residentFeatures.markEnsured(store, encoder.id, ids);
  residentFeatures.get(store, encoder.id, 'pooled');
  return { ...r, images: ids.length, provider: encoder.provider.provider, device: encoder.provider.device };
};
