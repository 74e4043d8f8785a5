/** Second-reader review: the next image to review, an answer, and agreement per pair (κ). */
import { agreements } from '../review/agreement.ts';
import type { Notifier } from './notify.ts';
import type { ProjectSession } from './session.ts';

export function nextReview(s: ProjectSession, exclude: number[] = []) {
  const me = s.settings().author;
  const skip = new Set(exclude);
  const todo = s.store.reviewCandidates(me).filter((id) => !skip.has(id));
  return { imageId: todo[0] ?? null, remaining: todo.length, reviewer: me };
}

export function answerReview(
  s: ProjectSession,
  n: Notifier,
  p: { imageId: number; label: string; durationMs?: number },
) {
  s.image(p.imageId);
  const r = s.store.addReview({ ...p, author: s.settings().author });
  if (r.verdict === 'reject') {
    n.labelsChanged([p.imageId]);
    n.countsChanged();
  }
  return { verdict: r.verdict, reviewed: r.reviewed, labeller: r.labeller };
}

export function reviewSummary(s: ProjectSession) {
  const rows = s.store.listReviews();
  const people = new Map(
    s.store.authorStats().map((a) => [a.author, { ...a, reviews: 0, reviewMeanMs: null as number | null }]),
  );
  for (const r of rows) {
    const p = people.get(r.author) ?? {
      author: r.author,
      labels: 0,
      meanMs: null,
      timed: 0,
      reviews: 0,
      reviewMeanMs: null,
    };
    if (r.durationMs !== null)
      p.reviewMeanMs = ((p.reviewMeanMs ?? 0) * p.reviews + r.durationMs) / (p.reviews + 1);
    p.reviews++;
    people.set(r.author, p);
  }
  return {
    reviewer: s.settings().author,
    agreements: agreements(rows),
    authors: [...people.values()],
    reviews: rows.length,
    rejected: rows.filter((r) => r.verdict === 'reject').length,
  };
}
