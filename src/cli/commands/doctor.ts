import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { doctor } from '../../core/app/doctor.ts';
import { chromiumCheck, electronCheck, pythonCheck, sharedDataCheck } from '../doctor-checks.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL } from '../types.ts';
import { appVersion } from '../version.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const command: Command = {
  name: 'doctor',
  usage: 'spcxr doctor [DIR] [--models DIR] [--json]',
  summary:
    'Report the app version, what is usable here (ONNX Runtime backends, WebGPU adapter, Electron, Chromium for ' +
    'spcxr app, Python/torch for pretrain/, the shared test data), shipped model checksums, (with DIR) the project ' +
    'database health, and a verdict. Exit 1 only for problems with required parts.',
  async run({ positionals, flags, io }) {
    const modelsDir = typeof flags.models === 'string' ? flags.models : path.join(ROOT, 'resources/models');
    const d = await doctor({
      modelsDir,
      project: positionals[0],
      adapter: 'probe',
      optional: [electronCheck(), chromiumCheck(), pythonCheck(), sharedDataCheck(ROOT)],
    });
    const v = d.versions;
    const usable = d.backends;
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
    const adapter = d.adapter;
    io.out(
      `webgpu adapter: ${adapter ? `${adapter.description}${adapter.software ? ' (software)' : ''}` : 'none (CPU only)'}`,
    );
    for (const o of d.optional) io.out(`${o.name}: ${o.detail}`);
    if (d.models.length === 0) io.out(`models: none in ${modelsDir}`);
    for (const m of d.models)
      io.out(`model ${m.name}: ${m.ok ? `ok (${m.files} files verified)` : m.detail}`);
    const db = d.database;
    if (db) {
      if ('error' in db) io.out(`database: ${db.error}`);
      else {
        io.out(
          `database ${db.dir}: ${db.ok ? 'ok' : 'PROBLEMS'} (schema v${db.schemaVersion}, ${db.images} images, check ${db.checkMs} ms)`,
        );
        for (const p of [...db.errors, ...db.warnings]) io.out(`  ${p.kind}: ${p.message}`);
      }
    }
    io.out(`verdict: ${d.verdict}`);
    return {
      json: {
        ok: d.ok,
        version: appVersion(),
        verdict: d.verdict,
        versions: v,
        onnxruntimeBackends: usable,
        optional: d.optional,
        webgpuAdapter: adapter,
        models: d.models,
        database: db,
      },
      exitCode: d.ok ? EXIT_OK : EXIT_PARTIAL,
    };
  },
};
