/**
 * Foundation benchmarks (issue 2). Run: npx tsx bench/import.ts [--quick]
 * 1. Import throughput of the 1000 NIH images vs a plain sharp loop (decode + write a
 *    thumbnail) over the same files in the same run; prints the ratio (goal ≥ 0.7).
 * 2. Peak RSS of a real `spcxr import` child process importing the 5216 Kermany images
 *    (VmHWM from /proc/PID/status; goal < 500 MB).
 * 3. Commit latency of one label write with synchronous=FULL vs NORMAL (the durability cost).
 * 4. Thumbnails as files vs as blobs in the project database (write + random read).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { readManifest } from '../src/core/import/manifest.ts';
import { importItems } from '../src/core/import/pipeline.ts';
import { createProject } from '../src/core/store/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CXR = path.resolve(ROOT, '../shared/data/cxr');
const quick = process.argv.includes('--quick');
const tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-bench-'));
const log = (s: string) => process.stdout.write(`${s}\n`);

/**
 * The machine is shared, so load drifts during a run: the two contenders alternate over
 * chunks of 100 files and each sums its own time, which keeps drift out of the ratio.
 */
async function throughput() {
  const items = readManifest(path.join(CXR, 'nih_cxr14_talo/manifest.csv')).items.slice(
    0,
    quick ? 200 : 1000,
  );
  for (const it of items) readFileSync(it.file); // warm the page cache for both contenders
  const thumbs = path.join(tmp, 'peer');
  mkdirSync(thumbs);
  const store = createProject(path.join(tmp, 'proj'), { classes: ['normal', 'pneumonia'] });
  // Two peers with the import's own thumbnail settings: the plain loop (one file at a
  // time) and the same loop with the import's 4 files in flight, the stricter comparison.
  const peers = [
    { name: 'plain sharp loop, 1 at a time', inFlight: 1, ms: 0, cpu: 0 },
    { name: 'sharp loop, 4 in flight', inFlight: 4, ms: 0, cpu: 0 },
  ];
  let oursMs = 0;
  let oursCpu = 0;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const thumbnailAll = async (chunk: typeof items, base: number, inFlight: number) => {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < chunk.length; i = next++) {
        await sharp(chunk[i].file)
          .resize(256, 256, { fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 80, effort: 2 })
          .toFile(path.join(thumbs, `${base + i}.webp`));
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  };
  let added = 0;
  for (let c = 0; c < items.length; c += 100) {
    const chunk = items.slice(c, c + 100);
    for (const p of peers) {
      const t = performance.now();
      const c0 = cpu();
      await thumbnailAll(chunk, c, p.inFlight);
      p.ms += performance.now() - t;
      p.cpu += cpu() - c0;
    }
    const t = performance.now();
    const c0 = cpu();
    const r = await importItems(store, chunk);
    oursMs += performance.now() - t;
    oursCpu += cpu() - c0;
    if (r.failed.length) throw new Error(`import failed: ${JSON.stringify(r.failed)}`);
    added += r.added + r.duplicates;
  }
  store.close();
  if (added !== items.length) throw new Error(`imported ${added} of ${items.length}`);
  const rate = (ms: number) => items.length / (ms / 1000);
  const ours = rate(oursMs);
  // CPU time (all threads) per image does not depend on how busy the shared machine is.
  const per = (ms: number) => (ms / items.length).toFixed(2);
  log(`## throughput, ${items.length} NIH PNGs (256×256), alternating chunks of 100`);
  log(
    `spcxr import (hash, decode, display, thumbnail, managed copy + fsync, labels, SQLite): ${ours.toFixed(1)} img/s, CPU ${per(oursCpu)} ms/img`,
  );
  for (const p of peers) {
    log(
      `${p.name} (decode + webp thumbnail file): ${rate(p.ms).toFixed(1)} img/s, CPU ${per(p.cpu)} ms/img -> ratio import/peer ${(ours / rate(p.ms)).toFixed(2)} (goal >= 0.7), CPU ratio ${(p.cpu / oursCpu).toFixed(2)}`,
    );
  }
}

async function peakRss() {
  const csv = path.join(CXR, 'kermany_pediatric/manifest.csv');
  const proj = path.join(tmp, 'kermany');
  const bin = path.join(ROOT, 'bin/spcxr.mjs');
  await run(process.execPath, [bin, 'init', proj]);
  const n = readManifest(csv).items.length;
  const t = performance.now();
  let hwm = 0;
  const child = spawn(process.execPath, [bin, 'import', proj, '--manifest', csv], { stdio: 'ignore' });
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) hwm = Math.max(hwm, Number(m[1]));
    } catch {
      // exited
    }
  }, 50);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(timer);
  const s = (performance.now() - t) / 1000;
  log(`## peak memory, spcxr import of ${n} Kermany images (child process, exit ${code})`);
  log(
    `peak RSS (VmHWM): ${(hwm / 1024).toFixed(0)} MB (goal < 500 MB); ${s.toFixed(1)} s, ${(n / s).toFixed(1)} img/s`,
  );
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((res, rej) =>
    spawn(cmd, args, { stdio: 'ignore' }).on('exit', (c) =>
      c === 0 ? res() : rej(new Error(`${args} → ${c}`)),
    ),
  );
}

function commitLatency() {
  log('## commit latency (one labelled row per transaction, WAL)');
  for (const mode of ['NORMAL', 'FULL']) {
    const db = new Database(path.join(tmp, `sync-${mode}.sqlite`));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${mode}`);
    db.exec('CREATE TABLE labels (id INTEGER PRIMARY KEY, image_id INT, label TEXT, at TEXT)');
    const ins = db.prepare('INSERT INTO labels (image_id, label, at) VALUES (?, ?, ?)');
    const n = 300;
    const t = performance.now();
    for (let i = 0; i < n; i++) db.transaction(() => ins.run(i, 'normal', new Date().toISOString()))();
    const ms = (performance.now() - t) / n;
    db.close();
    log(`synchronous=${mode}: ${ms.toFixed(3)} ms per commit`);
  }
}

async function thumbnailStorage() {
  const files = readdirSync(path.join(ROOT, 'sample/images')).map((f) => path.join(ROOT, 'sample/images', f));
  const thumbs = await Promise.all(
    files.map((f) => sharp(f).resize(256, 256, { fit: 'inside' }).webp({ quality: 80 }).toBuffer()),
  );
  const n = 2000;
  const dir = path.join(tmp, 'thumbs');
  mkdirSync(dir);
  let t = performance.now();
  for (let i = 0; i < n; i++) writeFileSync(path.join(dir, `${i}.webp`), thumbs[i % thumbs.length]);
  const fileWrite = performance.now() - t;
  const db = new Database(path.join(tmp, 'thumbs.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB)');
  const ins = db.prepare('INSERT INTO t (id, data) VALUES (?, ?)');
  t = performance.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++) ins.run(i, thumbs[i % thumbs.length]);
  })();
  const blobWrite = performance.now() - t;
  const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
  t = performance.now();
  for (const i of order) readFileSync(path.join(dir, `${i}.webp`));
  const fileRead = performance.now() - t;
  const sel = db.prepare('SELECT data FROM t WHERE id = ?');
  t = performance.now();
  for (const i of order) sel.get(i);
  const blobRead = performance.now() - t;
  db.close();
  const kb = thumbs.reduce((a, b) => a + b.length, 0) / thumbs.length / 1024;
  log(`## thumbnails (${n} WebP, mean ${kb.toFixed(1)} KB): files vs SQLite blobs`);
  log(`write: files ${fileWrite.toFixed(0)} ms, blobs ${blobWrite.toFixed(0)} ms (one transaction)`);
  log(`random read: files ${(fileRead / n).toFixed(3)} ms each, blobs ${(blobRead / n).toFixed(3)} ms each`);
}

log(
  `# spcxr foundation bench — ${os.cpus()[0]?.model}, ${os.availableParallelism()} CPUs, node ${process.versions.node}`,
);
try {
  await throughput();
  commitLatency();
  await thumbnailStorage();
  if (!quick) await peakRss();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
