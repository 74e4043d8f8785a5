/**
 * The one doctor: what is usable on this machine (not merely listed), the shipped models'
 * checksums, a project database's health, and a verdict. `spcxr doctor` prints it and the
 * `app.doctor` request returns it; each shell adds the optional parts only it can check
 * (Electron, Chromium, Python, the shared test data).
 */
import '../offline.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { probeWebGpuAdapter } from '../model/providers.ts';
import { FEATURES_DB, openProject, PROJECT_DB } from '../store/index.ts';
import type { ProjectStore } from '../store/types.ts';
import { checkShippedModels, type ModelCheck } from './model-check.ts';

const require = createRequire(import.meta.url);

/** A part the app runs without; missing, it says what is lost. */
export interface Optional {
  name: string;
  usable: boolean;
  detail: string;
}

export interface Backend {
  name: string;
  usable: boolean;
  detail: string;
}

/** Version from the package's own package.json (found by walking up from its entry point). */
function pkgVersion(name: string): string | null {
  try {
    let dir = path.dirname(require.resolve(name));
    for (let i = 0; i < 6; i++, dir = path.dirname(dir)) {
      const f = path.join(dir, 'package.json');
      if (!existsSync(f)) continue;
      const p = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
      if (p.name === name) return p.version ?? null;
    }
  } catch {
    // not installed
  }
  return null;
}

async function versions() {
  const Database = (await import('better-sqlite3')).default;
  const mem = new Database(':memory:');
  const sqlite = (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  mem.close();
  const sharp = (await import('sharp')).default;
  return {
    node: process.versions.node,
    electron: process.versions.electron ?? pkgVersion('electron'),
    electronRuntime: Boolean(process.versions.electron),
    onnxruntime: pkgVersion('onnxruntime-node'),
    tfjs: pkgVersion('@tensorflow/tfjs'),
    betterSqlite3: pkgVersion('better-sqlite3'),
    sqlite,
    sharp: sharp.versions.sharp,
    libvips: sharp.versions.vips,
  };
}

/** ORT backends that can run here: bundled ones (WebGPU only with an adapter), others only when their provider library is installed. */
export function usableBackends(
  listed: Array<{ name: string; bundled: boolean }>,
  hasAdapter: boolean,
): Backend[] {
  let binDir = '';
  try {
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    binDir = path.join(pkg, 'bin/napi-v6', process.platform, process.arch);
  } catch {
    // not installed: nothing is usable beyond what the list says
  }
  const lib = (name: string) =>
    process.platform === 'win32'
      ? `onnxruntime_providers_${name}.dll`
      : `libonnxruntime_providers_${name}.so`;
  return listed.map(({ name, bundled }) => {
    if (name === 'webgpu')
      return { name, usable: hasAdapter, detail: hasAdapter ? 'GPU adapter found' : 'no WebGPU adapter' };
    if (bundled) return { name, usable: true, detail: 'bundled' };
    const present = binDir !== '' && existsSync(path.join(binDir, lib(name)));
    return {
      name,
      usable: present,
      detail: present ? 'provider library installed' : `not installed (no ${lib(name)})`,
    };
  });
}

export function verdict(problems: string[], optional: Optional[]): string {
  const missing = optional.filter((o) => !o.usable).map((o) => o.name);
  if (problems.length > 0) return `PROBLEMS: ${problems.join('; ')}`;
  return `ready: import, labelling, training and suggestions work on this machine${
    missing.length ? `; optional parts missing: ${missing.join(', ')} (see above)` : ''
  }`;
}

/** Integrity of a project database (full check, not the bounded one at open). */
export function databaseHealth(store: ProjectStore) {
  const report = store.integrityCheck();
  const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
  return {
    dir: store.dir,
    schemaVersion: store.info.schemaVersion,
    ok: report.ok,
    errors: report.errors,
    warnings: report.warnings,
    checkMs: report.ms,
    checkedImages: report.checkedImages,
    images: store.counts().images,
    bytes: {
      db: size(path.join(store.dir, PROJECT_DB)) + size(path.join(store.dir, `${PROJECT_DB}-wal`)),
      features: size(path.join(store.dir, FEATURES_DB)),
    },
  };
}

export type DatabaseHealth = ReturnType<typeof databaseHealth> | { dir: string; ok: false; error: string };

/** A folder's database, opened only for the check (a broken one is reported, not thrown). */
function folderHealth(dir: string): DatabaseHealth {
  try {
    const store = openProject(dir, { skipIntegrityCheck: true });
    try {
      return databaseHealth(store);
    } finally {
      store.close();
    }
  } catch (e) {
    return { dir: path.resolve(dir), ok: false, error: (e as Error).message };
  }
}

export interface DoctorOptions {
  /** Shipped encoders to verify; absent: not checked (a shell started without them). */
  modelsDir?: string;
  /** The project to check: an open store, or a folder opened for the check. */
  project?: ProjectStore | string;
  /**
   * The WebGPU adapter: probed (slow: up to 15 s), or as already known to the shell (the
   * adapter the features job recorded), null for none.
   */
  adapter: 'probe' | { description: string; software?: boolean } | null;
  /** Optional parts only the calling shell can check. */
  optional?: Optional[];
}

export async function doctor(o: DoctorOptions) {
  const v = await versions();
  let listed: Array<{ name: string; bundled: boolean }> = [];
  let ortError: string | null = null;
  try {
    // Loaded lazily: the native addon is only needed here and in the worker.
    const ort = await import('onnxruntime-node');
    listed = ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
  } catch (e) {
    ortError = (e as Error).message;
  }
  const adapter = o.adapter === 'probe' ? await probeWebGpuAdapter(15_000) : o.adapter;
  const backends = usableBackends(listed, adapter !== null);
  const models: ModelCheck[] = o.modelsDir ? await checkShippedModels(o.modelsDir) : [];
  const noModels = o.modelsDir !== undefined && models.length === 0;
  const database =
    o.project === undefined
      ? null
      : typeof o.project === 'string'
        ? folderHealth(o.project)
        : databaseHealth(o.project);
  const optional = o.optional ?? [];
  const problems = [
    ...(ortError ? [`onnxruntime: ${ortError}`] : []),
    ...(noModels ? [`no model in ${o.modelsDir}`] : []),
    ...models.filter((m) => !m.ok).map((m) => `model ${m.name} failed its checksum`),
    ...(database && !database.ok ? [`database ${database.dir}`] : []),
  ];
  const dbDetail = (d: DatabaseHealth) => {
    if ('error' in d) return d.error;
    const found = [...d.errors, ...d.warnings].map((p) => p.message);
    return d.ok && !found.length ? `${d.checkedImages} images checked` : found.slice(0, 5).join('; ');
  };
  /** The report as one list of named checks (what the app's doctor view shows). */
  const checks = [
    {
      name: 'node',
      ok: true,
      detail: `${process.version} on ${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs`,
    },
    ...(database ? [{ name: 'project database', ok: database.ok, detail: dbDetail(database) }] : []),
    ...(noModels ? [{ name: 'models', ok: false, detail: `no encoder in ${o.modelsDir}` }] : []),
    ...models.map((m) => ({ name: `model ${m.name}`, ok: m.ok, detail: m.detail })),
    ortError
      ? { name: 'onnxruntime', ok: false, detail: ortError }
      : {
          name: 'onnxruntime',
          ok: true,
          detail: backends
            .filter((b) => b.usable)
            .map((b) => b.name)
            .join(', '),
        },
    ...optional.map((p) => ({ name: p.name, ok: p.usable, detail: p.detail })),
  ];
  return {
    ok: problems.length === 0,
    verdict: verdict(problems, optional),
    versions: v,
    backends,
    adapter,
    models,
    database,
    optional,
    checks,
  };
}

export type DoctorResult = Awaited<ReturnType<typeof doctor>>;
