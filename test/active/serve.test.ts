import { describe, expect, it } from 'vitest';
import { acceptedLabel, freshReason, pickNext } from '../../src/core/active/serve.ts';

const q = (...ids: number[]) => ids.map((imageId) => ({ imageId }));

describe('serving the suggestion queue', () => {
  it('walks the queue when the user presses Next without labelling (no ping-pong)', () => {
    let items = q(1, 2, 3);
    let last: number | null = null;
    const served: number[] = [];
    for (let k = 0; k < 6; k++) {
      // The UI excludes the image on screen, which is also the last one served.
      const r: { item: { imageId: number } | null; items: { imageId: number }[] } = pickNext(items, {
        exclude: last === null ? [] : [last],
        lastServed: last,
        done: () => false,
      });
      served.push(r.item!.imageId);
      items = r.items;
      last = r.item!.imageId;
    }
    expect(served).toEqual([1, 2, 3, 1, 2, 3]);
    for (let k = 1; k < served.length; k++) expect(served[k]).not.toBe(served[k - 1]);
  });

  it('drops finished (labelled or flagged) images and never repeats the last one', () => {
    const finished = new Set([1, 3]);
    const r = pickNext(q(1, 2, 3, 4), { lastServed: 2, done: (id) => finished.has(id) });
    expect(r.item?.imageId).toBe(4);
    expect(r.items.map((i) => i.imageId)).toEqual([2, 4]);
    expect(pickNext(q(2), { lastServed: 2, done: () => false }).item).toBeNull();
  });

  it('rewrites stale cold-start counts and says when a model can be trained', () => {
    const reason =
      'typical of an unlabelled cluster of 12 images (a classifier needs … (have normal 1): cold start …)';
    expect(freshReason(reason, { normal: 2, pneumonia: 0 })).toEqual({
      reason: reason.replace('have normal 1', 'have normal 2'),
      stale: false,
    });
    const now = freshReason(reason, { normal: 3, pneumonia: 2 });
    expect(now.stale).toBe(true);
    expect(now.reason).toMatch(/have normal 3, pneumonia 2; enough now/);
    expect(freshReason('the model is torn', { normal: 9 })).toEqual({
      reason: 'the model is torn',
      stale: false,
    });
  });

  it('Accept keeps a correction made while the image was shown', () => {
    expect(acceptedLabel({ prefill: 'normal' })).toEqual({ label: 'normal', source: 'accepted_suggestion' });
    expect(acceptedLabel({ prefill: 'normal', current: { label: 'pneumonia', source: 'human' } })).toEqual({
      label: 'pneumonia',
      source: 'human',
    });
    expect(
      acceptedLabel({ prefill: 'normal', given: 'covid', current: { label: 'pneumonia', source: 'human' } }),
    ).toEqual({
      label: 'covid',
      source: 'human',
    });
    expect(acceptedLabel({ prefill: null })).toBeNull();
  });
});
