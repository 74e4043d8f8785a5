import type { DeferPolicy, ServeHistory } from './types.ts';

export const DEFAULT_DEFER: DeferPolicy = { servedCooldownMs: 10 * 60_000, skipCooldownMs: 30 * 60_000 };

/**
 * Until when an image is held back: a skip counts more than a plain serve and doubles with each
 * further skip, but every hold ends, so a skipped image is deprioritised, never lost.
 */
export function heldUntil(h: ServeHistory | undefined, policy: DeferPolicy): number {
  if (!h) return 0;
  let until = 0;
  if (h.servedAt !== undefined) until = h.servedAt + policy.servedCooldownMs;
  if (h.skippedAt !== undefined) {
    const times = Math.max(1, h.skipCount ?? 1);
    until = Math.max(until, h.skippedAt + policy.skipCooldownMs * 2 ** Math.min(times - 1, 10));
  }
  return until;
}

/** Splits candidates into fresh ones and held-back ones (held back: soonest-released first). */
export function splitDeferred(
  candidates: readonly number[],
  ids: readonly string[],
  history: ReadonlyMap<string, ServeHistory> | undefined,
  now: number,
  policy: DeferPolicy,
): { fresh: number[]; deferred: number[] } {
  if (!history || history.size === 0) return { fresh: [...candidates], deferred: [] };
  const fresh: number[] = [];
  const held: { i: number; until: number }[] = [];
  for (const i of candidates) {
    const until = heldUntil(history.get(ids[i]), policy);
    if (until > now) held.push({ i, until });
    else fresh.push(i);
  }
  held.sort((a, b) => a.until - b.until || a.i - b.i);
  return { fresh, deferred: held.map((h) => h.i) };
}
