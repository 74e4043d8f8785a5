import { describe, expect, it } from 'vitest';
import { REQUEST_NAMES } from '../../src/core/api/channels.ts';
import { jobResult, jobSchemas } from '../../src/core/api/schemas/job-map.ts';

describe('typed job map', () => {
  const exported = { path: '/p/exports/x.csv', files: 1, url: null, extra: 'kept' };

  it('reads a result as its kind, keeping fields the map does not name', () => {
    const r = jobResult({ kind: 'export', result: exported }, 'export');
    expect(r).toEqual(exported);
    expect(r?.files).toBe(1);
  });

  it('answers null for another kind, no result, or a result that breaks the contract', () => {
    expect(jobResult({ kind: 'export', result: exported }, 'train')).toBeNull();
    expect(jobResult({ kind: 'train', result: undefined }, 'train')).toBeNull();
    expect(jobResult({ kind: 'train', result: { modelId: 'seven' } }, 'train')).toBeNull();
    expect(jobResult(undefined, 'import')).toBeNull();
  });

  it('has params and a result for every job kind, and a start request for each', () => {
    expect(Object.keys(jobSchemas).sort()).toEqual([
      'export',
      'features',
      'import',
      'report',
      'retrieve',
      'suggest',
      'train',
    ]);
    for (const k of ['import', 'features', 'train', 'export'])
      expect(REQUEST_NAMES as readonly string[]).toContain(`${k}.start`);
    expect(REQUEST_NAMES as readonly string[]).toContain('models.report');
    expect(jobSchemas.suggest.params.parse({})).toMatchObject({
      task: 'classify',
      strategy: 'hybrid',
      n: 20,
    });
  });
});
