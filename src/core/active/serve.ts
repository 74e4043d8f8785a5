/**
 * Serving the stored suggestion queue, one "Next" at a time. Pure: the API adapter passes what
 * it knows about the images. Rules: finished images (labelled / masked / flagged for review)
 * leave the queue; the image just served and the ones the caller excludes are not served; a
 * served image moves to the back, so pressing Next without labelling walks the whole queue
 * instead of ping-ponging between its first two entries.
 */

export interface Servable {
  imageId: number;
}

export function pickNext<T extends Servable>(
  items: T[],
  o: { exclude?: Iterable<number>; lastServed?: number | null; done: (imageId: number) => boolean },
): { item: T | null; items: T[] } {
  const skip = new Set(o.exclude ?? []);
  if (o.lastServed != null) skip.add(o.lastServed);
  const open = items.filter((i) => !o.done(i.imageId));
  const at = open.findIndex((i) => !skip.has(i.imageId));
  if (at < 0) return { item: null, items: open };
  const item = open[at];
  return { item, items: [...open.slice(0, at), ...open.slice(at + 1), item] };
}

/** A classifier can be trained from two classes and four labels (as `suggestForProject` asks). */
export function canTrain(perClass: Record<string, number>): boolean {
  const present = Object.values(perClass).filter((n) => n > 0);
  return present.length >= 2 && present.reduce((a, b) => a + b, 0) >= 4;
}

/**
 * The cold-start fallback is written into a reason when the queue is computed ("(have normal
 * 1)"); by the time the image is served the user may have labelled more. Rewrites the counts
 * from `perClass` now, and says `stale` when a model could be trained already, so the caller can
 * start a fresher pass.
 */
export function freshReason(
  reason: string,
  perClass: Record<string, number>,
): { reason: string; stale: boolean } {
  if (!/\(have [^)]*\)/.test(reason)) return { reason, stale: false };
  const have =
    Object.entries(perClass)
      .filter(([, n]) => n > 0)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ') || 'none';
  const stale = canTrain(perClass);
  const text = reason.replace(
    /\(have [^)]*\)/,
    `(have ${have}${stale ? '; enough now, fresher suggestions are on their way' : ''})`,
  );
  return { reason: text, stale };
}

/**
 * The label an Accept stores, and its source. A label given with the Accept wins; else a label the
 * user set on the image while it was shown (a correction) is kept; else the pre-fill. Only the
 * pre-filled label taken unchanged counts as `accepted_suggestion`.
 */
export function acceptedLabel(o: {
  prefill: string | null;
  given?: string | null;
  current?: { label: string; source: string } | null;
}): { label: string; source: 'accepted_suggestion' | 'human' } | null {
  const corrected = o.current && o.current.source !== 'accepted_suggestion' ? o.current.label : null;
  const label = o.given ?? corrected ?? o.prefill;
  if (!label) return null;
  const source = label === o.prefill ? 'accepted_suggestion' : 'human';
  return { label, source };
}
