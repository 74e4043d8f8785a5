import '../../core/offline.ts';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCard, verifyFiles } from '../../core/model/card.ts';
import { probeWebGpuAdapter } from '../../core/model/providers.ts';
import { FEATURES_DB, openProject, PROJECT_DB } from '../../core/store/index.ts';
import {
  chromiumCheck,
  electronCheck,
  type Optional,
  pythonCheck,
  sharedDataCheck,
  usableBackends,
  verdict,
} from '../doctor-checks.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL } from '../types.ts';
import { appVersion } from '../version.ts';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

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

async function models(dir: string) {
  if (!existsSync(dir)) return [];
  const out: Array<{ name: string; dir: string; ok: boolean; files: number; error?: string }> = [];
  for (const name of readdirSync(dir).sort()) {
    const d = path.join(dir, name);
    if (!statSync(d).isDirectory() || !existsSync(path.join(d, 'model.json'))) continue;
    try {
      const card = readCard(d);
      await verifyFiles(d, card);
      out.push({ name: card.name ?? name, dir: d, ok: true, files: Object.keys(card.files).length });
    } catch (e) {
      out.push({ name, dir: d, ok: false, files: 0, error: (e as Error).message });
    }
  }
  return out;
}

function database(dir: string) {
  const store = openProject(dir, { skipIntegrityCheck: true });
  try {
    const report = store.integrityCheck();
    const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    return {
      dir: store.dir,
      schemaVersion: store.info.schemaVersion,
      ok: report.ok,
      errors: report.errors,
      warnings: report.warnings,
      checkMs: report.ms,
      images: store.counts().images,
      bytes: {
        db: size(path.join(store.dir, PROJECT_DB)) + size(path.join(store.dir, `${PROJECT_DB}-wal`)),
        features: size(path.join(store.dir, FEATURES_DB)),
      },
    };
  } finally {
    store.close();
  }
}

export const command: Command = {
  name: 'doctor',
  usage: 'spcxr doctor [DIR] [--models DIR] [--json]',
  summary:
    'Report the app version, what is usable here (ONNX Runtime backends, WebGPU adapter, Electron, Chromium for ' +
    'spcxr app, Python/torch for pretrain/, the shared test data), shipped model checksums, (with DIR) the project ' +
    'database health, and a verdict. Exit 1 only for problems with required parts.',
  async run({ positionals, flags, io }) {
    const modelsDir = typeof flags.models === 'string' ? flags.models : path.join(ROOT, 'resources/models');
    const v = await versions();
    const ort = await import('onnxruntime-node');
    const backends = ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
    const adapter = await probeWebGpuAdapter(15_000);
    const shipped = await models(modelsDir);
    let db: ReturnType<typeof database> | { dir: string; ok: false; error: string } | null = null;
    if (positionals[0]) {
      try {
        db = database(positionals[0]);
      } catch (e) {
        db = { dir: path.resolve(positionals[0]), ok: false, error: (e as Error).message };
      }
    }
    const usable = usableBackends(backends, adapter !== null);
    const optional: Optional[] = [electronCheck(), chromiumCheck(), pythonCheck(), sharedDataCheck(ROOT)];
    io.out(`SPCXR Studio ${appVersion()}`);
    io.out(
      `node ${v.node}, onnxruntime-node ${v.onnxruntime}, tfjs ${v.tfjs}, sqlite ${v.sqlite}, sharp ${v.sharp}`,
    );
    io.out(
      `onnxruntime backends usable: ${usable
        .filter((b) => b.usable)
        .map((b) => b.name)
        .join(', ')}${
        usable.some((b) => !b.usable)
          ? ` (not: ${usable
              .filter((b) => !b.usable)
              .map((b) => `${b.name}, ${b.detail}`)
              .join('; ')})`
          : ''
      }`,
    );
    io.out(
      `webgpu adapter: ${adapter ? `${adapter.description}${adapter.software ? ' (software)' : ''}` : 'none (CPU only)'}`,
    );
    for (const o of optional) io.out(`${o.name}: ${o.detail}`);
    if (shipped.length === 0) io.out(`models: none in ${modelsDir}`);
    for (const m of shipped) io.out(`model ${m.name}: ${m.ok ? `ok (${m.files} files verified)` : m.error}`);
    if (db) {
      if ('error' in db) io.out(`database: ${db.error}`);
      else {
        io.out(
          `database ${db.dir}: ${db.ok ? 'ok' : 'PROBLEMS'} (schema v${db.schemaVersion}, ${db.images} images, check ${db.checkMs} ms)`,
        );
        for (const p of [...db.errors, ...db.warnings]) io.out(`  ${p.kind}: ${p.message}`);
      }
    }
    const ok = shipped.length > 0 && shipped.every((m) => m.ok) && (db === null || db.ok);
    const problems = [
      ...(shipped.length === 0 ? [`no model in ${modelsDir}`] : []),
      ...shipped.filter((m) => !m.ok).map((m) => `model ${m.name} failed its checksum`),
      ...(db && !db.ok ? [`database ${db.dir}`] : []),
    ];
    const summary = verdict(problems, optional);
    io.out(`verdict: ${summary}`);
    return {
      json: {
        ok,
        version: appVersion(),
        verdict: summary,
        versions: v,
        onnxruntimeBackends: usable,
        optional,
        webgpuAdapter: adapter,
        models: shipped,
        database: db,
      },
      exitCode: ok ? EXIT_OK : EXIT_PARTIAL,
    };
  },
};
