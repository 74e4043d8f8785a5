import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-demo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('spcxr demo (the README main job)', () => {
  it('imports the sample, trains on the shipped encoder, scores and suggests; re-running is idempotent', () => {
    const dir = path.join(tmp, 'demo');
    const r = cli('demo', dir, '--json');
    expect(r.code).toBe(0);
    const j = r.json() as {
      ok: boolean;
      import: { added: number; labelsSet: number };
      train: { modelId: number; trainImages: number; valImages: number; provider: { provider: string } };
      predict: { scored: number };
      suggest: { suggestions: Array<{ reason: string }> };
    };
    expect(j.ok).toBe(true);
    expect(j.import).toMatchObject({ added: 40, labelsSet: 32 });
    expect(j.train.trainImages).toBe(32);
    expect(j.predict.scored).toBe(40);
    expect(j.suggest.suggestions).toHaveLength(5);
    for (const s of j.suggest.suggestions) expect(s.reason.length).toBeGreaterThan(10);
    // Validation holds out patients of both sources, not a handful from one.
    const perSource = (j.train as unknown as { metrics: { perSource: Record<string, { n: number }> } })
      .metrics.perSource;
    expect(Object.keys(perSource).sort()).toEqual(['kermany_pediatric', 'nih_cxr14_talo']);

    // The human-readable run (a re-run: idempotent import) reads plainly.
    const again = cli('demo', dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('imported 0 new, 40 already present');
    for (const term of ['CV, out-of-fold ', 'ECE ', 'AUC ', '95% CI ', 'F1 '])
      expect(again.stdout).toContain(`\n  ${term}`);
    expect(again.stdout.match(/smoke check/g)).toHaveLength(1);
    expect(again.stdout).not.toMatch(/cluster of 1 image/);
    expect(again.stderr).not.toMatch(/ 0\/0\n/);
    expect(again.stdout).toContain(`npx spcxr app ${dir}`);
  });
});
