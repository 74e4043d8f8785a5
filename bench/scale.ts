/**
 * Interaction cost against project size, in one run: builds projects of each size from
 * variants of the shared CXRs (bench/scale-build.ts says what is real), drives the API service
 * in process (server time, no transport), runs the suggestion strategies in a separate process
 * like the worker (bench/scale-worker.ts), and prints every figure per size with its growth
 * ratio against the smallest size (1.0 = flat in n).
 *   nice -n 5 npx tsx bench/scale.ts [sizes=1000,10000,50000] [workdir]
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
const work = process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'spcxr-scale-'));
const root = path.resolve(import.meta.dirname, '..');

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
async function timed(n: number, f: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f(i);
    t.push(performance.now() - t0);
  }
  return { p50: round(pct(t, 50)), p95: round(pct(t, 95)) };
}
const round = (x: number) => Math.round(x * 10) / 10;

/** Evicts a file's pages from the page cache (no root needed, unlike drop_caches). */
function evict(files: string[]): string {
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
    return 'drop_caches';
  } catch {
    const list = files.filter((f) => fs.existsSync(f));
    execFileSync('python3', [
      '-c',
      'import os,sys\nfor f in sys.argv[1:]:\n  fd=os.open(f,os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED); os.close(fd)',
      ...list,
    ]);
    return 'fadvise(DONTNEED) on the project files';
  }
}

const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
const mb = (b: number) => Math.round(b / 2 ** 20);

const bases: Base[] = await loadBases();
const t0 = performance.now();
const encoderId = await baseFeatures(bases, path.join(work, 'bases'));
console.error(`base features of ${bases.length} images: ${Math.round(performance.now() - t0)} ms`);

type Row = Record<string, number | string>;
const rows: Row[] = [];
for (const n of sizes) {
  const dir = path.join(work, `p${n}`);
  const tb = performance.now();
  (await buildProject(dir, n, bases, encoderId)).close();
  const r: Row = { n, buildS: round((performance.now() - tb) / 1000) };
  const db = path.join(dir, 'project.sqlite');
  r.dbMb = mb(size(db));
  r.featuresMb = mb(size(path.join(dir, 'cache/features.sqlite')));

  const service = new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() });
  const api = service.invoke.bind(service);
  // First open after a new model: the one pass that fills the confidence column.
  let t = performance.now();
  await api('project.open', { path: dir });
  r.openFirstMs = round(performance.now() - t);
  const reopen = async () => {
    await api('project.close');
    const s = performance.now();
    await api('project.open', { path: dir });
    return performance.now() - s;
  };
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push(await reopen());
  r.openWarmMs = round(pct(warm, 50));
  await api('project.close');
  r.coldBy = evict([db, `${db}-wal`, `${db}-shm`, path.join(dir, 'cache/features.sqlite')]);
  t = performance.now();
  await api('project.open', { path: dir });
  r.openColdMs = round(performance.now() - t);

  const total = (await api('images.list', { limit: 1 })).total;
  const unl = (await api('images.list', { status: 'unlabelled', limit: 1000 })).items.map((i) => i.id);
  const at = (i: number) => Math.floor((((i * 7919) % 997) / 997) * Math.max(1, total - 200));
  r.labelP95 = (
    await timed(100, (i) =>
      api('labels.set', { imageIds: [unl[i]], label: i % 2 ? 'normal' : 'pneumonia', source: 'human' }),
    )
  ).p95;
  r.pageP95 = (await timed(40, (i) => api('images.list', { offset: at(i), limit: 200 }))).p95;
  r.filterP95 = (
    await timed(40, (i) =>
      api('images.list', {
        ...[
          { status: 'unlabelled' as const },
          { label: 'normal' },
          { status: 'suggested' as const },
          { source: 'kermany_pediatric' },
        ][i % 4],
        offset: at(i) % 2000,
        limit: 200,
      }),
    )
  ).p95;
  r.sortP95 = (
    await timed(30, (i) =>
      api('images.list', {
        sort: (['score', 'confidence', 'name'] as const)[i % 3],
        offset: at(i),
        limit: 200,
      }),
    )
  ).p95;
  let after: number | undefined;
  r.keysetP95 = (
    await timed(20, async () => {
      const p = await api('images.list', { sort: 'score', after, limit: 200 });
      after = p.items.at(-1)?.id;
    })
  ).p95;
  r.searchP95 = (await timed(10, (i) => api('images.list', { search: `v0${i}`, limit: 200 }))).p95;
  r.nextP95 = (await timed(40, () => api('suggest.next', { task: 'classify' }))).p95;
  r.imageOpenP95 = (await timed(20, (i) => api('images.get', { id: 1 + ((i * 7919) % total) }))).p95;
  service.close();

  const w = JSON.parse(
    execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(root, 'bench/scale-worker.ts'), dir],
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
  for (const s of ['coldstart', 'uncertainty', 'random', 'hybrid', 'diversity']) {
    r[`${s}Ms`] = w[s].ms;
    if (w[s].exactMs !== undefined) {
      r[`${s}ExactMs`] = w[s].exactMs;
      r[`${s}Overlap`] = w[s].overlap;
      r[`${s}GapRatio`] = w[s].gapRatio;
    }
  }
  r.featureReadMs = w.diversity.parts.features;
  r.workerIdleMb = w.idleMb;
  r.workerAfterMb = w.afterMb;
  r.workerAfterGcMb = w.afterGcMb;
  rows.push(r);
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
