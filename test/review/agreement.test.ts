import { describe, expect, it } from 'vitest';
import { agreements, cohensKappa } from '../../src/core/review/agreement.ts';

describe("Cohen's kappa", () => {
  it('matches a textbook example', () => {
    // 50 items: both yes 20, both no 15, a-yes/b-no 5, a-no/b-yes 10 → po 0.7, pe 0.5, κ 0.4.
    const pairs: Array<[string, string]> = [
      ...Array.from({ length: 20 }, () => ['y', 'y'] as [string, string]),
      ...Array.from({ length: 15 }, () => ['n', 'n'] as [string, string]),
      ...Array.from({ length: 5 }, () => ['y', 'n'] as [string, string]),
      ...Array.from({ length: 10 }, () => ['n', 'y'] as [string, string]),
    ];
    expect(cohensKappa(pairs)).toBeCloseTo(0.4, 10);
    expect(cohensKappa([['a', 'a']])).toBeNull();
    expect(cohensKappa([])).toBeNull();
  });

  it('pairs labeller and reviewer on their latest review per image', () => {
    const r = (imageId: number, reviewed: string, label: string, at: string) => ({
      imageId,
      labeller: 'ana',
      author: 'bo',
      reviewed,
      label,
      at,
    });
    const out = agreements([
      r(1, 'normal', 'pneumonia', '1'),
      r(1, 'normal', 'normal', '2'),
      r(2, 'pneumonia', 'pneumonia', '1'),
      r(3, 'pneumonia', 'normal', '1'),
      { ...r(4, 'normal', 'normal', '1'), author: 'ana' },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ labeller: 'ana', reviewer: 'bo', n: 3, agree: 2 });
    expect(out[0].kappa).toBeCloseTo(
      cohensKappa([
        ['normal', 'normal'],
        ['pneumonia', 'pneumonia'],
        ['pneumonia', 'normal'],
      ])!,
      10,
    );
  });
});
