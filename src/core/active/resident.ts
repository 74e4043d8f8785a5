/**
 * Feature matrices kept in memory between suggestion passes, so that a pass over a 50k-image
 * project reads no features from disk once the first pass has loaded them.
 *
 * One entry per (project, encoder, layer, view): every cached image of that layer, ordered by
 * image id, loaded in one streaming pass. An entry is stale as soon as the feature cache's
 * version (a trigger bumps it on every write, see FEATURE_MIGRATIONS) differs from the version
 * it was loaded at; the next pass reloads it. Memory is bounded: entries never hold more than
 * `budgetBytes` together (a layer that does not fit is streamed from disk for that pass, as
 * before), and all entries are dropped after `idleMs` without a pass, so an idle worker returns
 * to its idle size. Only one project is kept: opening another drops the previous one's entries.
 */
import { decodeBytes } from '../model/features.ts';
import type { ProjectStore } from '../store/types.ts';
import { type DistanceSpace, LazySpace } from './vectors.ts';

type LayerStore = Pick<ProjectStore, 'dir' | 'featureVersion' | 'readFeatureLayer'>;

export interface ResidentMatrix {
  /**
   * The matrix's distance space in `k` projected dims (centred on the mean of every row),
   * created on first use and filled row by row: a row is projected once per load of the
   * matrix, not once per pass. Adds k/dim of the matrix's size when full (64/384 = 1/6).
   */
  space(k: number): LazySpace;
  dim: number;
  /** Row-major [ids.length × dim]. Shared: callers must not write to it. */
  data: Float32Array;
  /** Image id of each row, ascending. */
  ids: Int32Array;
  version: number;
}

interface Entry extends ResidentMatrix {
  dir: string;
  bytes: number;
  spaces: Map<number, LazySpace>;
}

/** Default budget: the pooled matrix of a 112k-image project (112k × 384 floats = 172 MB) fits. */
const DEFAULT_BUDGET_MB = 192;
const DEFAULT_IDLE_MS = 10 * 60_000;

export class ResidentFeatures {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private ensuredAt: { dir: string; encoderId: string; version: number; ids: Set<number> } | null = null;
  /** Called after the idle drop (the worker runs a full collection there). */
  onDrop: (() => void) | null = null;

  constructor(
    readonly budgetBytes: number,
    readonly idleMs: number,
  ) {}

  /**
   * The matrix of every cached image of a layer, loaded or reloaded when stale; null when it
   * would not fit in what the budget leaves beside the other entries.
   */
  get(store: LayerStore, encoderId: string, layer: string, view = 0): ResidentMatrix | null {
    this.touch();
    for (const [k, e] of this.entries) if (e.dir !== store.dir) this.entries.delete(k);
    const key = `${encoderId}\0${layer}\0${view}`;
    const version = store.featureVersion();
    const hit = this.entries.get(key);
    if (hit?.version === version) return hit;
    // A stale copy goes before the reload, so two copies never coexist.
    this.entries.delete(key);
    const free = this.budgetBytes - this.used();
    const m = store.readFeatureLayer(encoderId, layer, view, decodeBytes, Math.floor(free / 4));
    if (!m) return null;
    const spaces = new Map<number, LazySpace>();
    const e: Entry = {
      ...m,
      version,
      dir: store.dir,
      bytes: m.data.byteLength,
      spaces,
      space: (k) => {
        const sp = spaces.get(k) ?? new LazySpace(m.data, m.dim, k);
        spaces.set(k, sp);
        return sp;
      },
    };
    this.entries.set(key, e);
    return e;
  }

  /**
   * True when `ensureFeatures` already completed for all of `ids` (and more) at the cache's
   * current version: nothing was written since, so nothing can be missing and the pass skips the
   * cache's coverage scan.
   */
  ensured(store: LayerStore, encoderId: string, ids: readonly number[]): boolean {
    const e = this.ensuredAt;
    if (!e || e.dir !== store.dir || e.encoderId !== encoderId || e.version !== store.featureVersion())
      return false;
    for (const id of ids) if (!e.ids.has(id)) return false;
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

  private touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.drop();
      this.onDrop?.();
    }, this.idleMs);
    this.timer.unref();
  }
}

/**
 * The rows of `ids` in that order: the resident array itself when the ids are exactly its rows
 * (the usual case: every active image has features), else a gathered copy; null when an id has
 * no row (its features are not cached yet).
 */
export function rowsOf(
  m: ResidentMatrix,
  ids: readonly number[],
): { dim: number; data: Float32Array; rows: Int32Array } | null {
  const { dim, data } = m;
  let same = ids.length === m.ids.length;
  for (let i = 0; same && i < ids.length; i++) same = ids[i] === m.ids[i];
  if (same) return { dim, data, rows: Int32Array.from(ids, (_, i) => i) };
  const out = new Float32Array(ids.length * dim);
  const rows = new Int32Array(ids.length);
  let lo = 0;
  for (let i = 0; i < ids.length; i++) {
    const r = findRow(m.ids, ids[i], ids[i] >= (m.ids[lo] ?? 0) ? lo : 0);
    if (r < 0) return null;
    out.set(data.subarray(r * dim, (r + 1) * dim), i * dim);
    rows[i] = r;
    lo = r;
  }
  return { dim, data: out, rows };
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
      const s = this.rowOf[r] * d;
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
