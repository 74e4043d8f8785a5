/**
 * Label efficiency and drift (issue 4 figures). NIH normal-vs-pneumonia, patient-level split:
 * 30 % of NIH patients are a fixed test set; heads are trained on 25, 50, 100, 200 or all
 * labels drawn from the other patients (stratified, several seeds for small budgets), each with
 * the linear and the attentive head; test AUC with a 95 % bootstrap CI. Drift: the all-label
 * models scored on 600 Kermany pediatric images (300 normal, 300 pneumonia), never trained on.
 *
 *   npx tsx bench/engine-fewshot.ts --encoder DIR [--project /tmp/spcxr-bench-fewshot] [--heads linear,attentive]
 */
import os from 'node:os';
import { readFeatures } from '../src/core/model/features.ts';
import { auc, aucCI } from '../src/core/stats/metrics.ts';
import type { ClassifierMetrics } from '../src/core/train/index.ts';
import { loadClassifier, openModel, trainClassifier } from '../src/core/train/index.ts';
import { classifierReport } from '../src/core/train/report.ts';
import { groupedSplit } from '../src/core/train/split.ts';
import { mulberry32, shuffle } from '../src/core/util/rng.ts';
import { arg, benchFeatures, benchProject, sharedItems } from './engine-project.ts';

const encoderDir = arg('encoder');
if (!encoderDir) throw new Error('--encoder DIR is required');
const heads = (arg('heads', 'linear,attentive') as string).split(',') as Array<'linear' | 'attentive'>;
const store = await benchProject(
  arg('project', '/tmp/spcxr-bench-fewshot')!,
  sharedItems('kermany_pediatric', { perLabel: 300 }),
);
const items = store.listImages({ labelled: true, limit: 1e9 }).items;
const nih = items.filter((i) => i.source === 'nih_cxr14_talo');
const ker = items.filter((i) => i.source === 'kermany_pediatric');
const layers = [...new Set(heads.map((h) => (h === 'linear' ? 'pooled' : 'final')))] as Array<
  'pooled' | 'final'
>;
const t0 = performance.now();
const { enc } = await benchFeatures(
  store,
  encoderDir,
  items.map((i) => i.id),
  layers,
);
const featSec = (performance.now() - t0) / 1000;

const lab = (l: string | null) => (l === 'pneumonia' ? 1 : 0);
const split = groupedSplit(
  nih.map((i) => ({ id: i.id, group: i.patientId ?? `i${i.id}`, label: lab(i.label) })),
  0.3,
  123,
);
const test = split.val;
const pool = split.train;
const byId = new Map(items.map((i) => [i.id, i]));
console.error(`test ${test.length} images, pool ${pool.length}`);

function sample(n: number, seed: number): number[] {
  if (n >= pool.length) return pool;
  const r = mulberry32(seed);
  const pos = shuffle(
    pool.filter((id) => lab(byId.get(id)!.label) === 1),
    r,
  );
  const neg = shuffle(
    pool.filter((id) => lab(byId.get(id)!.label) === 0),
    r,
  );
  return [...pos.slice(0, Math.ceil(n / 2)), ...neg.slice(0, Math.floor(n / 2))];
}

function score(modelId: number, ids: number[]) {
  const { row, weights } = openModel(store, modelId);
  const m = loadClassifier(row.config as never, weights);
  const probs = m.score(readFeatures(store, enc.id, ids, m.config.layer));
  const out = { probs, threshold: m.config.threshold };
  m.dispose();
  return out;
}

const budgets: Array<[number | 'all', number]> = [
  [25, 5],
  [50, 5],
  [100, 3],
  [200, 2],
  ['all', 1],
];
const rows: Array<Record<string, unknown>> = [];
const drift: Record<string, ClassifierMetrics> = {};
for (const head of heads) {
  for (const [n, seeds] of budgets) {
    const aucs: number[] = [];
    let ci: [number, number] = [Number.NaN, Number.NaN];
    let ms = 0;
    for (let s = 0; s < seeds; s++) {
      const ids = sample(n === 'all' ? 1e9 : n, 1000 + s);
      const t = performance.now();
      const r = await trainClassifier(store, { encoderDir, provider: 'cpu', head, imageIds: ids, seed: s });
      ms += performance.now() - t;
      const { probs } = score(r.modelId, test);
      const y = test.map((id) => lab(byId.get(id)!.label) === 1);
      const sc = probs.map((p) => p[1]);
      aucs.push(auc(sc, y));
      if (s === 0) ci = aucCI(sc, y, 1000, 0);
      if (n === 'all') {
        const k = score(
          r.modelId,
          ker.map((i) => i.id),
        );
        drift[head] = classifierReport(
          k.probs,
          ker.map((i) => lab(i.label)),
          ['normal', 'pneumonia'],
          ker.map((i) => i.source),
          k.threshold,
        );
        const nihRep = classifierReport(
          probs,
          test.map((id) => lab(byId.get(id)!.label)),
          ['normal', 'pneumonia'],
          test.map(() => 'nih_cxr14_talo'),
          k.threshold,
        );
        drift[`${head}-nih-test`] = nihRep;
      }
    }
    const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
    const sd = Math.sqrt(aucs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, aucs.length - 1));
    const row = {
      head,
      labels: n === 'all' ? pool.length : n,
      seeds,
      aucMean: mean,
      aucSd: sd,
      aucSeed0CI: ci,
      trainSecPerModel: ms / seeds / 1000,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
for (const [k, m] of Object.entries(drift)) {
  console.log(
    `${k}: AUC ${m.binary?.auc.toFixed(3)} [${m.binary?.aucCI.map((v) => v.toFixed(3)).join('–')}] sens ${m.binary?.sensitivity.toFixed(3)} spec ${m.binary?.specificity.toFixed(3)} acc ${m.accuracy.toFixed(3)} ECE ${m.ece.toFixed(3)}`,
  );
}
console.log(
  JSON.stringify({
    encoder: enc.card.name,
    encoderId: enc.id.slice(0, 12),
    test: test.length,
    pool: pool.length,
    featSec,
    nproc: os.availableParallelism(),
    load: os.loadavg()[0],
    rows,
    drift: Object.fromEntries(
      Object.entries(drift).map(([k, m]) => [
        k,
        {
          auc: m.binary?.auc,
          aucCI: m.binary?.aucCI,
          sensitivity: m.binary?.sensitivity,
          specificity: m.binary?.specificity,
          accuracy: m.accuracy,
          ece: m.ece,
          n: m.n,
        },
      ]),
    ),
  }),
);
store.close();
