import path from 'node:path';
import type { ProjectStore } from '../../store/types.ts';
import type { DeidContext } from './context.ts';

/** Per-image lists (ids of the images a model was fit or validated on, out-of-fold scores). */
const PER_IMAGE = /^(imageIds|valImageIds|trainImageIds|outOfFold|trainedOn|perImage)$/i;

/**
 * De-identifies a model bundle's data card (`bundle.json`) in place: per-image lists are
 * removed (they tie the model to project images), site names (image sources, which can be
 * hospital names) become `site-000001`…, patient IDs become the export's pseudonyms, and
 * absolute paths keep only their file name. Aggregate metrics and the training config stay.
 * Returns the keys removed, for the card's `deidentified` note.
 */
export function deidentifyCard(
  card: Record<string, unknown>,
  store: ProjectStore,
  ctx: DeidContext,
): string[] {
  const { items } = store.listImages();
  const sources = new Set(items.map((i) => i.source).filter((s): s is string => !!s));
  const patients = new Set(items.map((i) => i.patientId).filter((s): s is string => !!s));
  const removed = new Set<string>();
  const text = (s: string): string => {
    if (sources.has(s)) return ctx.stemFor(`source:${s}`, 'site');
    if (patients.has(s)) return ctx.patient(`patient:${s}`).id;
    if (path.isAbsolute(s)) return path.basename(s);
    return s;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (PER_IMAGE.test(k)) {
        removed.add(k);
        continue;
      }
      out[text(k)] = walk(x);
    }
    return out;
  };
  const clean = walk(card) as Record<string, unknown>;
  for (const k of Object.keys(card)) delete card[k];
  Object.assign(card, clean, {
    deidentified: { profile: 'PS3.15 basic profile applied to the data card', removed: [...removed].sort() },
  });
  return [...removed].sort();
}
