import { describe, expect, it } from 'vitest';
import { pickRow } from './tradeoff.ts';

const row = (threshold: number, sensitivity: number, specificity: number) => ({
  threshold,
  sensitivity,
  specificity,
  ppv: null,
  npv: null,
  tp: 0,
  fp: 0,
  tn: 0,
  fn: 0,
});
const rows = [row(0.1, 1, 0.2), row(0.3, 0.95, 0.5), row(0.5, 0.8, 0.8), row(0.7, 0.5, 0.95)];

describe('threshold picker', () => {
  it('takes the most specific row that keeps the sensitivity target', () => {
    expect(pickRow(rows, 'sensitivity', 0.9)?.threshold).toBe(0.3);
  });
  it('takes the most sensitive row that keeps the specificity target', () => {
    expect(pickRow(rows, 'specificity', 0.8)?.threshold).toBe(0.5);
    expect(pickRow(rows, 'specificity', 0.99)).toBeUndefined();
  });
});
