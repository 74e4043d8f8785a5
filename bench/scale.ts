/**
 * Interaction cost against project size, in one run: builds projects of each size from
 * variants of the shared CXRs (bench/scale-build.ts says what is real), drives the API service
 * in process (server time, no transport), runs the suggestion strategies in a separate process
 * like the worker (bench/scale-worker.ts), and prints every figure per size with its growth
 * ratio against the smallest size (1.0 = flat in n).
 *   nice -n 5 npx tsx bench/scale.ts [sizes=1000,10000,50000] [workdir] [--api-only | --build-only]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiService } from '../src/core/api/service.ts';
import { httpUrls } from '../src/core/api/urls.ts';
import { nodeWorkerSpawner } from '../src/worker/spawn-node.ts';
import { type Base, baseFeatures, buildProject, loadBases } from './scale-build.ts';

const sizes = (process.argv[2] ?? '1000,10000,50000').split(',').map(Number);
const apiOnly = process.argv.includes('--api-only');
const buildOnly = process.argv.includes('--build-only');
const work = process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'spcxr-scale-'));
const root = path.resolve(import.meta.dirname, '..');

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * Evicts the project's own files from the page cache (posix_fadvise DONTNEED, after an fsync so
 * every page is clean). Not `echo 3 > /proc/sys/vm/drop_caches`: that works here (root) but
 * empties the cache of the whole shared machine, so every later figure of this run (and other
 * people's runs) would read node_modules and the encoder from disk again.
 */
function evict(files: string[]): string {
  const list = files.filter((f) => fs.existsSync(f));
  execFileSync('python3', [
    '-c',
    'import os,sys\nfor f in sys.argv[1:]:\n  fd=os.open(f,os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED); os.close(fd)',
    ...list,
  ]);
  return 'fadvise(DONTNEED) of the project files';
}

const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
const mb = (b: number) => Math.round(b / 2 ** 20);

// Bases (and their real features) only when some size still has to be built.
const needBuild = sizes.some((n) => !fs.existsSync(path.join(work, `p${n}`, '.built')));
const bases: Base[] = needBuild ? await loadBases() : [];
const t0 = performance.now();
const encoderId = needBuild ? await baseFeatures(bases, path.join(work, 'bases')) : '';
if (needBuild)
  console.error(`base features of ${bases.length} images: ${Math.round(performance.now() - t0)} ms`);

type Row = Record<string, number | string>;
const rows: Row[] = sizes.map((n) => ({ n }));
const dirOf = (n: number) => path.join(work, `p${n}`);

// 1. Build (reused when the workdir already holds a finished project of that size).
for (const [k, n] of sizes.entries()) {
  const dir = dirOf(n);
  const marker = path.join(dir, '.built');
  if (!fs.existsSync(marker)) {
    fs.rmSync(dir, { recursive: true, force: true });
    const tb = performance.now();
    (await buildProject(dir, n, bases, encoderId)).close();
    fs.writeFileSync(marker, String(Math.round((performance.now() - tb) / 100) / 10));
  }
  rows[k].buildS = Number(fs.readFileSync(marker, 'utf8'));
  rows[k].dbMb = mb(size(path.join(dir, 'project.sqlite')));
  rows[k].featuresMb = mb(size(path.join(dir, 'cache/features.sqlite')));
  console.error(JSON.stringify(rows[k]));
}
if (buildOnly) process.exit(0);

// 2. API figures. The machine is shared and its load drifts, so every figure is measured
// round-robin over the sizes (one call at each size in turn), which keeps drift out of ratios.
const services = sizes.map(
  () => new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() }),
);
const api = (k: number) => services[k].invoke.bind(services[k]);
for (const [k, n] of sizes.entries()) {
  const t = performance.now();
  await api(k)('project.open', { path: dirOf(n) });
  rows[k].openFirstMs = round(performance.now() - t);
}
async function roundRobin(
  name: string,
  times: number,
  f: (k: number, i: number) => Promise<unknown>,
  stat = 95,
) {
  const t: number[][] = sizes.map(() => []);
  for (let i = 0; i < times; i++)
    for (const k of sizes.keys()) {
      const t0 = performance.now();
      await f(k, i);
      t[k].push(performance.now() - t0);
    }
  for (const k of sizes.keys()) rows[k][name] = round(pct(t[k], stat));
}
const reopen = async (k: number) => {
  await api(k)('project.close');
  await api(k)('project.open', { path: dirOf(sizes[k]) });
};
await roundRobin('openWarmMs', 5, (k) => reopen(k), 50);
let coldBy = '';
await roundRobin(
  'openColdMs',
  3,
  async (k) => {
    await api(k)('project.close');
    const db = path.join(dirOf(sizes[k]), 'project.sqlite');
    coldBy = evict([db, `${db}-wal`, `${db}-shm`, path.join(dirOf(sizes[k]), 'cache/features.sqlite')]);
    await api(k)('project.open', { path: dirOf(sizes[k]) });
  },
  50,
);
const totals = await Promise.all(
  sizes.map(async (_, k) => (await api(k)('images.list', { limit: 1 })).total),
);
const unl = await Promise.all(
  sizes.map(async (_, k) =>
    (await api(k)('images.list', { status: 'unlabelled', limit: 1000 })).items.map((i) => i.id),
  ),
);
const at = (k: number, i: number) => Math.floor((((i * 7919) % 997) / 997) * Math.max(1, totals[k] - 200));
await roundRobin('labelP95', 100, (k, i) =>
  api(k)('labels.set', { imageIds: [unl[k][i]], label: i % 2 ? 'normal' : 'pneumonia', source: 'human' }),
);
await roundRobin('pageP95', 40, (k, i) => api(k)('images.list', { offset: at(k, i), limit: 200 }));
const FILTERS = [
  { status: 'unlabelled' as const },
  { label: 'normal' },
  { status: 'suggested' as const },
  { source: 'kermany_pediatric' },
];
await roundRobin('filterP95', 40, (k, i) =>
  api(k)('images.list', { ...FILTERS[i % 4], offset: at(k, i) % 2000, limit: 200 }),
);
await roundRobin('sortP95', 30, (k, i) =>
  api(k)('images.list', {
    sort: (['score', 'confidence', 'name'] as const)[i % 3],
    offset: at(k, i),
    limit: 200,
  }),
);
const after: Array<number | undefined> = sizes.map(() => undefined);
await roundRobin('keysetP95', 20, async (k) => {
  const p = await api(k)('images.list', { sort: 'score', after: after[k], limit: 200 });
  after[k] = p.items.at(-1)?.id;
});
await roundRobin('searchP95', 10, (k, i) => api(k)('images.list', { search: `v0${i}`, limit: 200 }));
await roundRobin('nextP95', 40, (k) => api(k)('suggest.next', { task: 'classify' }));
await roundRobin('imageOpenP95', 20, (k, i) => api(k)('images.get', { id: 1 + ((i * 7919) % totals[k]) }));
for (const s of services) s.close();
for (const r of rows) r.coldBy = coldBy;

// 3. Worker figures, one process per size (like the ML worker).
for (const [k, n] of apiOnly ? [] : sizes.entries()) {
  const w = JSON.parse(
    execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(root, 'bench/scale-worker.ts'), dirOf(n)],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 24,
      },
    )
      .trim()
      .split('\n')
      .at(-1)!,
  );
  const r = rows[k];
  for (const s of ['coldstart', 'uncertainty', 'random', 'hybrid', 'diversity', 'typical', 'balanced']) {
    r[`${s}Ms`] = w[s].ms;
    r[`${s}Parts`] = `${w[s].parts.rows}/${w[s].parts.features}/${w[s].parts.model}/${w[s].parts.suggest}`;
    if (w[s].exactMs !== undefined) {
      r[`${s}ExactMs`] = w[s].exactMs;
      r[`${s}Overlap`] = w[s].overlap;
      r[`${s}GapRatio`] = w[s].gapRatio;
    }
  }
  r.firstPassMs = w.firstPassMs;
  const fp = w.firstPassParts;
  r.firstPassParts = `${fp.rows}/${fp.features}/${fp.model}/${fp.suggest}`;
  r.residentMb = w.residentMb;
  r.workerIdleMb = w.idleMb;
  r.workerAfterMb = w.afterMb;
  r.workerAfterGcMb = w.afterGcMb;
  r.workerAfterDropMb = w.afterDropMb;
  console.error(JSON.stringify(r));
}

const keys = Object.keys(rows[0]).filter((k) => k !== 'n');
console.log(`| figure | ${rows.map((r) => `${r.n}`).join(' | ')} | ratio ${rows.at(-1)!.n}/${rows[0].n} |`);
console.log(`|---|${rows.map(() => '---|').join('')}---|`);
for (const k of keys) {
  const v = rows.map((r) => r[k]);
  const ratio =
    typeof v[0] === 'number' && (v[0] as number) > 0 ? round((v.at(-1) as number) / (v[0] as number)) : '';
  console.log(`| ${k} | ${v.join(' | ')} | ${ratio} |`);
}
console.log(
  `\nmachine: ${os.cpus()[0].model}, ${os.cpus().length} CPUs, node ${process.version}; workdir ${work}`,
);
