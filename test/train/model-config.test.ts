/** Stored head configs are versioned and parsed: older ones migrate, unusable ones are named. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import { openProject } from '../../src/core/store/index.ts';
import { CONFIG_VERSION, classifierConfig, segmenterConfig } from '../../src/core/train/model-config.ts';

const FIXTURE = fileURLToPath(new URL('../store/fixtures/project-0.2.0', import.meta.url));
const encoder = { id: 'abc', name: 'micro', depth: 4, numHeads: 2, lnEps: 1e-6, mlpRatio: 4 };

describe('model configs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'spcxr-cfg-'));
    cpSync(FIXTURE, path.join(dir, 'p'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a 0.2.0 project: its models are listed, and using one names the model and what it lacks', () => {
    const s = openProject(path.join(dir, 'p'));
    try {
      const [cls, seg] = s.listModels();
      expect(cls.config.configVersion).toBeUndefined();
      expect(() => classifierConfig(cls)).toThrow(InvalidInputError);
      expect(() => classifierConfig(cls)).toThrow(
        /^model 1: its stored config cannot be used \(.*encoder.*\); retrain it$/,
      );
      expect(() => segmenterConfig(seg)).toThrow(/^model 2: .*size/);
      expect(() => segmenterConfig(cls)).toThrow('model 1 is a classify model, not a segment model');
    } finally {
      s.close();
    }
  });

  it('migrates an unversioned classifier config to the current version, keeping recorded fields', () => {
    const old = {
      head: 'linear',
      classes: ['normal', 'pneumonia'],
      dim: 8,
      encoder,
      valImageIds: [4],
      extra: 1,
    };
    const c = classifierConfig({ id: 7, kind: 'classify', config: old });
    expect(c).toEqual({
      ...old,
      configVersion: CONFIG_VERSION,
      temperature: 1,
      threshold: null,
      positive: null,
      layer: 'pooled',
      hyper: {},
    });
  });

  it('migrates an unversioned segmenter config and refuses a bad value by name', () => {
    const old = {
      size: 112,
      grid: 14,
      dim: 8,
      levels: 3,
      width: 64,
      stem: false,
      layers: ['block1'],
      encoder,
    };
    expect(segmenterConfig({ id: 3, kind: 'segment', config: old })).toMatchObject({
      maskClass: 'lung',
      hyper: {},
      configVersion: CONFIG_VERSION,
    });
    const bad = { ...old, configVersion: CONFIG_VERSION, maskClass: 'lung', hyper: {}, width: -1 };
    expect(() => segmenterConfig({ id: 3, kind: 'segment', config: bad })).toThrow(/^model 3: .*width/);
  });
});
