#!/usr/bin/env node
// Bundles our own code for Electron and the packaged CLI into dist/ (esbuild). Dependencies stay
// external: electron-builder ships them from node_modules, and native addons (better-sqlite3,
// onnxruntime-node, sharp) and wasm codecs must be loaded from their own package folders.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const external = ['electron', ...Object.keys(pkg.dependencies ?? {})];
// Electron 38 runs Node 22; the CLI bundle must still run on Node 20.
const common = {
  bundle: true,
  platform: 'node',
  sourcemap: 'linked',
  logLevel: 'warning',
  external,
  absWorkingDir: root,
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/main/index.ts'],
    outfile: 'dist/main/index.js',
    format: 'esm',
    target: 'node22',
  }),
  // Sandboxed preloads must be CommonJS and may only require('electron').
  build({
    ...common,
    entryPoints: ['src/preload/index.ts'],
    outfile: 'dist/preload/index.cjs',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: ['src/worker/main.ts'],
    outfile: 'dist/worker/index.js',
    format: 'esm',
    target: 'node20',
  }),
  // The packaged `spcxr` CLI: same entry as bin/spcxr.mjs, without tsx.
  build({
    ...common,
    stdin: {
      contents:
        "import { main } from './src/cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n",
      resolveDir: root,
      sourcefile: 'spcxr-cli.ts',
      loader: 'ts',
    },
    outfile: 'dist/cli/index.js',
    format: 'esm',
    target: 'node20',
  }),
]);
console.log('built dist/main, dist/preload, dist/worker, dist/cli');
