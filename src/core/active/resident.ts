/**
 * Feature matrices kept in memory between suggestion passes, so that a pass over a 50k-image
 * project reads no features from disk once the first pass has loaded them.
 *
 * One entry per (project, encoder, layer, view): every cached image of that layer, ordered by
 * image id, held as float16 (half the float32 size; the distances and scores it gives are
 * measured against float32 in test/active/resident-exact.test.ts and bench/scale-worker.ts).
 * An entry is stale as soon as the feature cache's version (a trigger bumps it on every write,
 * see FEATURE_MIGRATIONS) differs from the version it was loaded at; the next pass reloads it.
 * A load reads the layer's flat file (store/resident-file.ts) in one read when it matches the
 * cache, else streams the cache and rewrites the file, so a new worker starts fast.
 * Memory is bounded: entries never hold more than `budgetBytes` together (a layer that does not
 * fit is streamed from disk for that pass, as before), and all entries are dropped after
 * `idleMs` without a pass, so an idle worker returns to its idle size. Only one project is
 * kept: opening another drops the previous one's entries.
 */
import { statSync } from 'node:fs';
import {
  type ResidentKey,
  type ResidentLayer,
  readResidentFile,
  residentFile,
  writeResidentFile,
} from '../store/resident-file.ts';
import type { ProjectStore } from '../store/types.ts';
import { fromFloat16 } from '../util/f16.ts';
import { type DistanceSpace, LazySpace } from './vectors.ts';

type LayerStore = Pick<ProjectStore, 'dir' | 'featureVersion' | 'featureCacheId' | 'readFeatureLayer'>;

export interface ResidentMatrix {
  /**
   * The matrix's distance space in `k` projected dims (centred on the mean of every row),
   * created on first use and filled row by row: a row is projected once per load of the
   * matrix, not once per pass. Holds only the rows projected so far (k floats each).
   */
  space(k: number): LazySpace;
  dim: number;
  /**
   * Row-major [ids.length × dim]: float16 bits, or float32 in a reference instance (`exact`).
   * Shared: callers must not write to it.
   */
  data: Uint16Array | Float32Array;
  /** Image id of each row, ascending. */
  ids: Int32Array;
  version: number;
}

interface Entry extends ResidentMatrix {
  dir: string;
  bytes: number;
  spaces: Map<number, LazySpace>;
}

/** Default budget: the pooled matrix of a 112k-image project (112k × 384 halves = 86 MB) fits. */
const DEFAULT_BUDGET_MB = 96;
const DEFAULT_IDLE_MS = 10 * 60_000;

export class ResidentFeatures {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private ensuredAt: { dir: string; encoderId: string; version: number; ids: Set<number> } | null = null;
  /** Called after the idle drop (the worker runs a full collection there). */
  onDrop: (() => void) | null = null;
  /** Told why a resident file could not be used (not when it is merely out of date). */
  onFileProblem: (message: string) => void = (m) => console.warn(`spcxr: ${m}`);

  /**
   * `exact` keeps float32 and no file: the reference the float16 matrix is measured against
   * (tests, bench/scale-worker.ts), never the worker's.
   */
  constructor(
    readonly budgetBytes: number,
    readonly idleMs: number,
    readonly exact = false,
  ) {}

  /**
   * The matrix of every cached image of a layer, loaded or reloaded when stale; null when it
   * would not fit in what the budget leaves beside the other entries.
   */
  get(store: LayerStore, encoderId: string, layer: string, view = 0): ResidentMatrix | null {
    const hit = this.current(store, encoderId, layer, view);
    if (hit) return hit;
    const key = this.key(store, encoderId, layer, view);
    const free = this.budgetBytes - this.used();
    if (this.exact) {
      const m = store.readFeatureLayer(encoderId, layer, view, Math.floor(free / 4), true);
      return m && this.keep(store, key, { ...m, covered: new Uint8Array(0) });
    }
    const fromFile = this.readFile(store, key, free);
    if (fromFile) return fromFile;
    const m = store.readFeatureLayer(encoderId, layer, view, Math.floor(free / 2));
    if (!m) return null;
    const loaded = { ...m, covered: this.coveredRows(store, key, m.ids) };
    const e = this.keep(store, key, loaded);
    try {
      writeResidentFile(residentFile(store.dir, layer, view), key, loaded);
    } catch (err) {
      // The matrix still serves this worker; the next one streams the cache again.
      this.onFileProblem(`could not write the resident feature file: ${(err as Error).message}`);
    }
    return e;
  }

  /**
   * True when `ensureFeatures` already completed for all of `ids` (and more) at the cache's
   * current version: nothing was written since, so nothing can be missing and the pass skips the
   * cache's coverage scan. A new worker learns it from the pooled layer's file, which records
   * the images covered when it was written.
   */
  ensured(store: LayerStore, encoderId: string, ids: readonly number[]): boolean {
    const now = () => {
      const e = this.ensuredAt;
      return e?.dir === store.dir && e.encoderId === encoderId && e.version === store.featureVersion();
    };
    if (!now() && !this.exact && !this.current(store, encoderId, 'pooled', 0)) {
      const key = this.key(store, encoderId, 'pooled', 0);
      this.readFile(store, key, this.budgetBytes - this.used());
    }
    if (!now()) return false;
    const have = this.ensuredAt!.ids;
    for (const id of ids) if (!have.has(id)) return false;
    return true;
  }

  markEnsured(store: LayerStore, encoderId: string, ids: readonly number[]): void {
    this.ensuredAt = { dir: store.dir, encoderId, version: store.featureVersion(), ids: new Set(ids) };
  }

  /** Bytes held now. */
  used(): number {
    let s = 0;
    for (const e of this.entries.values()) s += e.bytes;
    return s;
  }

  drop(): void {
    this.entries.clear();
    this.ensuredAt = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The entry when it is loaded at the cache's current version; drops other projects' entries. */
  private current(store: LayerStore, encoderId: string, layer: string, view: number): Entry | null {
    this.touch();
    for (const [k, e] of this.entries) if (e.dir !== store.dir) this.entries.delete(k);
    const k = `${encoderId}\0${layer}\0${view}`;
    const hit = this.entries.get(k);
    if (hit?.version === store.featureVersion()) return hit;
    // A stale copy goes before the reload, so two copies never coexist.
    this.entries.delete(k);
    return null;
  }

  private key(store: LayerStore, encoderId: string, layer: string, view: number): ResidentKey {
    // The version first: data read after it is at least as new, so a file is never labelled newer.
    const version = store.featureVersion();
    return { cacheId: store.featureCacheId(), version, encoderId, layer, view };
  }

  /** The layer from its file when the file matches the cache and fits in `free` bytes. */
  private readFile(store: LayerStore, key: ResidentKey, free: number): Entry | null {
    const file = residentFile(store.dir, key.layer, key.view);
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      return null;
    }
    if (size > free) return null;
    const r = readResidentFile(file, key);
    if (!r.ok) {
      if (r.problem === 'broken' || r.problem === 'foreign')
        this.onFileProblem(`resident feature file ${r.message}; rebuilding it from the feature cache`);
      return null;
    }
    const { covered, ids } = r.layer;
    if (key.layer === 'pooled' && key.view === 0) {
      const have = new Set<number>();
      for (let i = 0; i < ids.length; i++) if (covered[i]) have.add(ids[i]);
      const e = this.ensuredAt;
      if (
        have.size > 0 &&
        !(e?.dir === store.dir && e.version === key.version && e.encoderId === key.encoderId)
      )
        this.ensuredAt = { dir: store.dir, encoderId: key.encoderId, version: key.version, ids: have };
    }
    return this.keep(store, key, r.layer);
  }

  /** Rows whose image the last coverage check found complete at this version. */
  private coveredRows(store: LayerStore, key: ResidentKey, ids: Int32Array): Uint8Array {
    const out = new Uint8Array(ids.length);
    const e = this.ensuredAt;
    if (e?.dir === store.dir && e.encoderId === key.encoderId && e.version === key.version)
      for (let i = 0; i < ids.length; i++) out[i] = e.ids.has(ids[i]) ? 1 : 0;
    return out;
  }

  private keep(
    store: LayerStore,
    key: ResidentKey,
    m: Omit<ResidentLayer, 'data'> & { data: Uint16Array | Float32Array },
  ): Entry {
    const spaces = new Map<number, LazySpace>();
    const { dim, data, ids } = m;
    const e: Entry = {
      dim,
      data,
      ids,
      version: key.version,
      dir: store.dir,
      bytes: data.byteLength + ids.byteLength + m.covered.byteLength,
      spaces,
      space: (k) => {
        const sp =
          spaces.get(k) ??
          new LazySpace({ n: ids.length, read: rowReader(m), mean: meanRow(m) }, dim, k, 7, true);
        spaces.set(k, sp);
        return sp;
      },
    };
    this.entries.set(`${key.encoderId}\0${key.layer}\0${key.view}`, e);
    return e;
  }

  private touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.drop();
      this.onDrop?.();
    }, this.idleMs);
    this.timer.unref();
  }
}

/** Copies row i of a resident matrix into `out`, decoding float16. */
export function rowReader(m: {
  dim: number;
  data: Uint16Array | Float32Array;
}): (i: number, out: Float32Array) => void {
  const { dim, data } = m;
  if (data instanceof Float32Array) return (i, out) => out.set(data.subarray(i * dim, (i + 1) * dim));
  return (i, out) => {
    fromFloat16(data.subarray(i * dim, (i + 1) * dim), out);
  };
}

/** The mean of every row, decoded a block of rows at a time (no call per row). */
function meanRow(m: { dim: number; data: Uint16Array | Float32Array; ids: Int32Array }): Float64Array {
  const { dim } = m;
  const n = m.ids.length;
  const mean = new Float64Array(dim);
  const BLOCK = 1024;
  for (let a = 0; a < n; a += BLOCK) {
    const b = Math.min(n, a + BLOCK);
    const x =
      m.data instanceof Float32Array
        ? m.data.subarray(a * dim, b * dim)
        : fromFloat16(m.data.subarray(a * dim, b * dim));
    for (let i = 0; i < b - a; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= Math.max(1, n);
  return mean;
}

/**
 * The resident row of each of `ids` (an identity map when the ids are exactly its rows, the
 * usual case: every active image has features); null when an id has no row (its features are
 * not cached yet).
 */
export function rowsOf(m: ResidentMatrix, ids: readonly number[]): Int32Array | null {
  let same = ids.length === m.ids.length;
  for (let i = 0; same && i < ids.length; i++) same = ids[i] === m.ids[i];
  if (same) return Int32Array.from(ids, (_, i) => i);
  const rows = new Int32Array(ids.length);
  let lo = 0;
  for (let i = 0; i < ids.length; i++) {
    const r = findRow(m.ids, ids[i], ids[i] >= (m.ids[lo] ?? 0) ? lo : 0);
    if (r < 0) return null;
    rows[i] = r;
    lo = r;
  }
  return rows;
}

/** Rows `rows[from…to)` of a resident matrix as one float32 [(to−from) × dim] block. */
export function decodeRows(
  m: ResidentMatrix,
  rows: ArrayLike<number>,
  from: number,
  to: number,
): Float32Array {
  const { dim } = m;
  const out = new Float32Array((to - from) * dim);
  const read = rowReader(m);
  for (let i = from; i < to; i++) read(rows[i], out.subarray((i - from) * dim, (i - from + 1) * dim));
  return out;
}

/**
 * A pass's view of a resident distance space: row r of the pass is row `rowOf[r]` of the
 * resident matrix. Rows are copied out of the shared projection (projecting them there first
 * when no earlier pass did), so the strategies read a compact pool-local array.
 */
export class PoolSpace implements DistanceSpace {
  readonly x: Float32Array;
  readonly dim: number;
  private readonly done: Uint8Array;

  constructor(
    private readonly shared: LazySpace,
    private readonly rowOf: ArrayLike<number>,
  ) {
    this.dim = shared.dim;
    this.x = new Float32Array(rowOf.length * this.dim);
    this.done = new Uint8Array(rowOf.length);
  }

  ensure(rows: Iterable<number>): this {
    const need: number[] = [];
    for (const r of rows) if (!this.done[r]) need.push(r);
    this.shared.ensure(need.map((r) => this.rowOf[r]));
    const d = this.dim;
    for (const r of need) {
      const s = this.shared.at(this.rowOf[r]);
      this.x.set(this.shared.x.subarray(s, s + d), r * d);
      this.done[r] = 1;
    }
    return this;
  }

  all(): this {
    return this.ensure(Array.from({ length: this.rowOf.length }, (_, i) => i));
  }
}

/** Binary search of a sorted id array from `from`; -1 when absent. */
function findRow(ids: Int32Array, id: number, from: number): number {
  let a = from;
  let b = ids.length - 1;
  while (a <= b) {
    const mid = (a + b) >> 1;
    if (ids[mid] === id) return mid;
    if (ids[mid] < id) a = mid + 1;
    else b = mid - 1;
  }
  return -1;
}

function budgetFromEnv(): number {
  const v = Number(process.env.SPCXR_RESIDENT_MB);
  return (Number.isFinite(v) && v >= 0 ? v : DEFAULT_BUDGET_MB) * 2 ** 20;
}

/** The process's resident features (the ML worker's; `SPCXR_RESIDENT_MB=0` turns them off). */
export const residentFeatures = new ResidentFeatures(budgetFromEnv(), DEFAULT_IDLE_MS);
