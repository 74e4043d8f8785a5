import { describe, expect, it } from 'vitest';
import { labelSourceAssociation } from '../../src/core/eval/association.ts';
import { binomialSf, chiSquareSf, fisherExact } from '../../src/core/eval/stats.ts';

describe('statistics behind the shortcut checks', () => {
  it('chi-square tail matches tables', () => {
    expect(chiSquareSf(3.841, 1)).toBeCloseTo(0.05, 3);
    expect(chiSquareSf(9.21, 2)).toBeCloseTo(0.01, 3);
    expect(chiSquareSf(0, 3)).toBe(1);
  });
  it("Fisher's exact test equals R's fisher.test", () => {
    // fisher.test(matrix(c(3,1,1,3),2)) → p = 0.4857; matrix(c(10,0,0,10),2) → 1.083e-05
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(0.4857, 4);
    expect(fisherExact(10, 0, 0, 10)).toBeCloseTo(1.0825e-5, 8);
  });
  it('binomial tail', () => {
    expect(binomialSf(0, 10, 0.05)).toBe(1);
    expect(binomialSf(10, 10, 0.5)).toBeCloseTo(1 / 1024, 8);
  });
});

describe('label × source association', () => {
  const rows = (spec: Array<[string, string, number]>) =>
    spec.flatMap(([label, source, n]) => Array.from({ length: n }, () => ({ label, source })));

  it('one source per class: single-source classes, V near 1, source alone predicts the label', () => {
    const a = labelSourceAssociation(
      rows([
        ['covid19', 'ieee8023', 40],
        ['normal', 'nih', 40],
      ]),
    );
    expect(a.singleSourceClasses.map((s) => s.className).sort()).toEqual(['covid19', 'normal']);
    expect(a.cramersV).toBeGreaterThan(0.95);
    expect(a.pValue).toBeLessThan(1e-10);
    expect(a.sourceOnlyAccuracy).toBe(1);
    expect(a.majorityAccuracy).toBe(0.5);
  });
  it('both classes in every source: no shortcut', () => {
    const a = labelSourceAssociation(
      rows([
        ['normal', 'nih', 30],
        ['pneumonia', 'nih', 30],
        ['normal', 'kermany', 30],
        ['pneumonia', 'kermany', 32],
      ]),
    );
    expect(a.singleSourceClasses).toEqual([]);
    expect(a.cramersV).toBeLessThan(0.1);
    expect(a.pValue).toBeGreaterThan(0.5);
  });
  it('one source only: nothing to test', () => {
    const a = labelSourceAssociation(
      rows([
        ['normal', 'nih', 5],
        ['pneumonia', 'nih', 5],
      ]),
    );
    expect(a.test).toBe('none');
    expect(a.singleSourceClasses).toEqual([]);
  });
});
