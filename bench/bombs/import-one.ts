/**
 * Imports files (or one manifest) into a fresh project in this process and prints one JSON
 * line with the outcome and this process's peak RSS. Run once per file, each figure is that
 * file's alone.   npx tsx bench/bombs/import-one.ts PROJECT FILE... | PROJECT MANIFEST --manifest
 */
import { runImport } from '../../src/core/import/pipeline.ts';
import { createProject } from '../../src/core/store/index.ts';

const args = process.argv.slice(2);
const manifest = args.includes('--manifest');
const [dir, ...files] = args.filter((a) => a !== '--manifest');
const store = createProject(dir, { classes: ['normal'] });
const r = await runImport(store, manifest ? { manifests: files } : { paths: files });
store.close();
console.log(
  JSON.stringify({
    added: r.added,
    failed: r.failed.map((f) => `${f.file}: ${f.reason}`),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
