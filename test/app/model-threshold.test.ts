import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classReason, prefillFrom } from '../../src/core/active/reasons.ts';
import { classUncertainty } from '../../src/core/active/uncertainty.ts';
import { createInProcessClient } from '../../src/core/api/in-process.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls } from '../../src/core/api/urls.ts';
import { carryThreshold, setThreshold, thresholdChoiceOf } from '../../src/core/app/model-threshold.ts';
import * as registry from '../../src/core/app/models.ts';
import { InvalidInputError } from '../../src/core/errors.ts';
import { createProject, managedPath, type ProjectStore } from '../../src/core/store/index.ts';
import { decideClass } from '../../src/core/train/report.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';

let dir: string;
let store: ProjectStore;
let ids: number[];

/** 40 labelled images: 20 normal scored 0.05…0.62, 20 pneumonia scored 0.38…0.95 (overlapping). */
const score = (i: number) => (i < 20 ? 0.05 + i * 0.03 : 0.38 + (i - 20) * 0.03);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spcxr-threshold-'));
  store = createProject(path.join(dir, 'p'), { classes: ['normal', 'pneumonia'] });
  ids = Array.from({ length: 40 }, (_, n) => {
    const sha = (n + 1).toString(16).padStart(64, '0');
    const rel = managedPath(sha, 'png');
    mkdirSync(path.dirname(path.join(store.dir, rel)), { recursive: true });
    writeFileSync(path.join(store.dir, rel), 'x');
    const id = store.addImage({
      sha256: sha,
      originalPath: `/d/${n}.png`,
      storedPath: rel,
      format: 'png',
      width: 2,
      height: 2,
      bits: 8,
      fileSize: 1,
    }).id;
    store.setLabel({ imageId: id, label: n < 20 ? 'normal' : 'pneumonia', author: 't', source: 'human' });
    return id;
  });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function classifier(extra: Record<string, unknown> = {}, classes = ['normal', 'pneumonia']) {
  return store.saveModel({
    name: 'c',
    kind: 'classify',
    head: 'linear',
    encoderId: 'e'.repeat(64),
    config: {
      classes,
      positive: classes.length === 2 ? 1 : null,
      threshold: 0.5,
      outOfFold: { imageIds: ids, probs: ids.map((_, i) => [1 - score(i), score(i)]) },
      ...extra,
    },
    metrics: {},
    weights: new Uint8Array([1]),
  }).id;
}

describe('choosing a threshold', () => {
  it('reads the target on the held-out predictions and stores it with its provenance', () => {
    const id = classifier();
    const c = setThreshold(store, id, { sensitivity: 0.9 }, 'ui');
    expect(c.reached).toBe(true);
    expect(c.at.sensitivity).toBeGreaterThanOrEqual(0.9);
    // The most specific threshold still reaching 0.9: 18 of 20 pneumonia at or above it.
    expect(c.at.tp).toBe(18);
    expect(c.threshold).toBeCloseTo((score(21) + score(22)) / 2, 6);
    expect(c.previous).toBe(0.5);
    expect(c.rule).toBe('sensitivity ≥ 0.9');
    expect(c.nPerClass).toEqual({ normal: 20, pneumonia: 20 });
    expect(c.evaluatedOn).toMatch(/out-of-fold/);
    expect(c.lower95.sensitivity!).toBeLessThan(c.at.sensitivity!);
    const row = store.getModel(id)!;
    expect(row.config.threshold).toBe(c.threshold);
    expect(thresholdChoiceOf(row)).toEqual(c);
  });

  it('takes a hand-set threshold and reports the rates there', () => {
    const id = classifier();
    const c = setThreshold(store, id, { threshold: 0.3 }, 'cli');
    expect(c.threshold).toBe(0.3);
    expect(c.rule).toMatch(/by hand/);
    expect(c.at.sensitivity).toBe(1);
    expect(c.at.fp).toBe(11);
  });

  it('refuses a model that has no two-class threshold', () => {
    const three = classifier({}, ['normal', 'pneumonia', 'covid19']);
    expect(() => setThreshold(store, three, { sensitivity: 0.9 }, 'ui')).toThrow(InvalidInputError);
    const none = classifier({ outOfFold: undefined, valImageIds: [] });
    expect(() => setThreshold(store, none, { specificity: 0.9 }, 'ui')).toThrow(/no held-out predictions/);
  });

  it('carries the rule (not a hand-set value) to a retrain of the task', () => {
    const old = classifier();
    registry.promoteIfNotWorse(store, old);
    setThreshold(store, old, { specificity: 0.95 }, 'ui');
    const fresh = classifier();
    registry.registryFor(store).trained(fresh);
    const c = thresholdChoiceOf(store.getModel(fresh)!)!;
    expect(c).toMatchObject({ rule: 'specificity ≥ 0.95', via: 'retrain' });
    expect(c.at.specificity).toBeGreaterThanOrEqual(0.95);
    setThreshold(store, fresh, { threshold: 0.7 }, 'ui');
    expect(carryThreshold(store, fresh, classifier())).toBeNull();
  });
});

describe('what uses the threshold', () => {
  it('decides the class at the threshold for two classes, by argmax otherwise', () => {
    expect(decideClass([0.7, 0.3], 1, 0.25)).toBe(1);
    expect(decideClass([0.7, 0.3], 1, 0.5)).toBe(0);
    expect(decideClass([0.2, 0.3, 0.5], null, null)).toBe(2);
  });

  it('suggestions rank by closeness to a chosen threshold and say so', () => {
    const probs = Float32Array.from([0.5, 0.5, 0.8, 0.2, 0.95, 0.05]);
    const plain = { classes: ['normal', 'pneumonia'], probs };
    expect(classUncertainty(plain)[0]).toBeGreaterThan(classUncertainty(plain)[1]);
    const chosen = { ...plain, threshold: { positive: 1, value: 0.2 } };
    const u = classUncertainty(chosen);
    expect(u[1]).toBeGreaterThan(u[0]);
    expect(u[1]).toBeGreaterThan(u[2]);
    expect(classReason(chosen, 1).text).toMatch(
      /pneumonia score \(20 %\) is close to the threshold you chose \(20 %\)/,
    );
    expect(prefillFrom(chosen, 1)).toMatchObject({
      label: 'pneumonia',
      probs: { pneumonia: expect.closeTo(0.2, 5) },
    });
  });
});

describe('models.setThreshold through the API', () => {
  it('validates the request, stores the choice and shows it in the model view', async () => {
    const id = classifier();
    const p = store.dir;
    store.close();
    const service = new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() });
    const client = createInProcessClient(service);
    try {
      await client.invoke('project.open', { path: p });
      await expect(
        client.invoke('models.setThreshold', { id, target: { sensitivity: 1.5 } }),
      ).rejects.toMatchObject({ code: 'bad_request' });
      await expect(
        client.invoke('models.setThreshold', { id: 999, target: { sensitivity: 0.9 } }),
      ).rejects.toMatchObject({ code: 'not_found' });
      const c = await client.invoke('models.setThreshold', { id, target: { specificity: 0.9 } });
      expect(c.at.specificity).toBeGreaterThanOrEqual(0.9);
      const d = await client.invoke('models.get', { id });
      expect(d.honesty?.threshold).toBe(c.threshold);
      expect(d.honesty?.thresholdChoice).toMatchObject({ rule: 'specificity ≥ 0.9', via: 'api' });
    } finally {
      client.close();
      service.close();
      store = createProject(path.join(dir, 'q'), {});
    }
  });
});
