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
    const again = cli('demo', dir, '--json').json() as { import: { added: number; duplicates: number } };
    expect(again.import).toMatchObject({ added: 0, duplicates: 40 });
  });
});
