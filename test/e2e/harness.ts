/**
 * End-to-end harness: a real project made with the CLI from the bundled sample, a real
 * `spcxr serve` process, and Debian's headless Chromium driven by playwright-core.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifacts = path.join(repoRoot, 'test-artifacts');
const bin = path.join(repoRoot, 'bin/spcxr.mjs');

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function cli(args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The renderer bundle must exist and match the sources (npm's `prepare` builds it); build it if not. */
export function ensureRendererBuilt(): void {
  const built = path.join(repoRoot, 'dist/renderer/index.html');
  // A stale build fails as a 60 s wait for the grid, far from its cause: rebuild when any source is newer.
  if (fs.existsSync(built) && newestMtime(path.join(repoRoot, 'src')) <= fs.statSync(built).mtimeMs) return;
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'src/renderer/vite.config.ts',
    ],
    {
      cwd: repoRoot,
      stdio: 'inherit',
    },
  );
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * A temp copy of the sample project: `spcxr init` + `spcxr import --manifest`. Labels are
 * kept for only `keepLabels` images per class so that active learning has work to suggest.
 */
export function makeSampleProject(
  keepLabels = Number.POSITIVE_INFINITY,
  author?: string,
): { dir: string; tmp: string } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spcxr-e2e-'));
  const sample = path.join(repoRoot, 'sample');
  fs.cpSync(path.join(sample, 'images'), path.join(tmp, 'images'), { recursive: true });
  const lines = fs.readFileSync(path.join(sample, 'manifest.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const li = header.indexOf('label');
  const seen = new Map<string, number>();
  const rows = lines.slice(1).map((line) => {
    const cols = line.split(',');
    const label = cols[li] ?? '';
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    if (label && n > keepLabels) cols[li] = '';
    return cols.join(',');
  });
  fs.writeFileSync(path.join(tmp, 'manifest.csv'), [lines[0], ...rows].join('\n') + '\n');
  const dir = path.join(tmp, 'project');
  cli(['init', dir, '--classes', 'normal,pneumonia', '--json']);
  cli([
    'import',
    dir,
    '--manifest',
    path.join(tmp, 'manifest.csv'),
    ...(author ? ['--author', author] : []),
    '--json',
  ]);
  return { dir, tmp };
}

/**
 * The shipped encoder when it has been built (resources/models), else the committed micro ViT
 * test fixture, so training and suggestions run for real in CI either way.
 */
export function encoderEnv(): Record<string, string> {
  if (process.env.SPCXR_ENCODER) return {};
  const models = path.join(repoRoot, 'resources/models');
  const shipped =
    fs.existsSync(models) &&
    fs.readdirSync(models).some((d) => fs.existsSync(path.join(models, d, 'model.json')));
  return shipped ? {} : { SPCXR_ENCODER: path.join(repoRoot, 'test/fixtures/models/vit-micro') };
}

export interface Served {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `spcxr serve DIR --port 0` and waits for the URL (with its token) it prints. */
export async function serve(dir: string, timeoutMs = 60_000, extraArgs: string[] = []): Promise<Served> {
  // SPCXR_SERVE_CMD runs the suite against another build of the server (e.g. a packaged app):
  // the project folder is appended to it.
  const custom = process.env.SPCXR_SERVE_CMD?.split(' ').filter(Boolean);
  const [cmd, ...args] = custom?.length
    ? [...custom, dir]
    : [process.execPath, bin, 'serve', dir, '--port', '0', ...extraArgs];
  const proc = spawn(cmd, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...encoderEnv() },
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`spcxr serve printed no URL within ${timeoutMs} ms:\n${log}`)),
      timeoutMs,
    );
    const onData = (b: Buffer) => {
      log += b.toString();
      // The whole token line: stderr also names the bare address, and a chunk may end mid-token.
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)\s/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`spcxr serve exited with ${code}:\n${log}`));
    });
  });
  return {
    url,
    proc,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** Debian's Chromium with a fresh profile; `close` also deletes the profile. */
export async function launch(
  viewport = { width: 1400, height: 900 },
  /** 2 with a 960×540 viewport is a 1920×1080 laptop at 200 % zoom. */
  deviceScaleFactor = 1,
): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `the UI tests need Debian's Chromium at ${CHROMIUM}: run 'apt-get install chromium' (.ci/run does)`,
    );
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spcxr-chrome-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport,
    deviceScaleFactor,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Collects page errors so a spec can assert the UI raised none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

/** `spcxr init DIR` with no classes: the clinic's first day starts from nothing. */
export function makeEmptyProject(): { dir: string; tmp: string } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spcxr-e2e-clinic-'));
  const dir = path.join(tmp, 'project');
  cli(['init', dir, '--json']);
  return { dir, tmp };
}

/**
 * A folder as a clinic would hand it over: sample radiographs (truth from ground_truth.csv), one
 * broken PNG, one CT (not a chest X-ray) and, when the shared corpus is present, a 15-bit DICOM.
 */
export function makeMixedFolder(into: string): { folder: string; truth: Map<string, string> } {
  const folder = path.join(into, 'incoming');
  fs.mkdirSync(folder, { recursive: true });
  const truth = new Map<string, string>();
  for (const line of fs
    .readFileSync(path.join(repoRoot, 'sample/ground_truth.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)) {
    const [file, label] = line.split(',');
    const name = path.basename(file);
    fs.copyFileSync(path.join(repoRoot, 'sample', file), path.join(folder, name));
    truth.set(name, label);
  }
  fs.copyFileSync(
    path.join(repoRoot, 'test/fixtures/broken/truncated.png'),
    path.join(folder, 'scan_broken.png'),
  );
  const dicom = path.resolve(repoRoot, '../shared/data/dicom/share');
  for (const f of ['CT_small_signed16_nowindow.dcm', 'cxr_RG1_15bit_explicitLE.dcm'])
    if (fs.existsSync(path.join(dicom, f))) fs.copyFileSync(path.join(dicom, f), path.join(folder, f));
  return { folder, truth };
}

/** Calls the API from inside the page, with the page's session cookie. */
export async function invokeIn<T = unknown>(page: Page, name: string, params: unknown = {}): Promise<T> {
  const reply = await page.evaluate(
    async ([n, p]) => {
      const r = await fetch(`/api/invoke/${n}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(p),
      });
      return r.json();
    },
    [name, params] as const,
  );
  if (!reply.ok) throw new Error(`${name}: ${JSON.stringify(reply.error)}`);
  return reply.result as T;
}

/**
 * Real lung masks for the masks step: ieee8023 images (one per patient) with their manual
 * masks_v7 masks, `withMasks` imported with their mask and `without` imported bare (their masks
 * are the ground truth the correction is measured against). Copied into `into` (a temp folder):
 * ieee8023 images are never committed. Null when the shared data is absent.
 */
export function makeMaskFolder(
  into: string,
  withMasks: number,
  without: number,
): { manifest: string; truth: Map<string, string> } | null {
  const src = path.resolve(repoRoot, '../shared/data/cxr/ieee8023');
  if (!fs.existsSync(path.join(src, 'manifest.csv'))) return null;
  const lines = fs.readFileSync(path.join(src, 'manifest.csv'), 'utf8').trim().split('\n');
  const h = lines[0].split(',');
  const col = (name: string) => h.indexOf(name);
  const seen = new Set<string>();
  const picked: { file: string; mask: string; patient: string }[] = [];
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    if (c.length !== h.length || c[col('mask_kind')] !== 'v7_manual' || c[col('view')] !== 'PA') continue;
    const patient = c[col('patient_id')];
    if (seen.has(patient)) continue;
    seen.add(patient);
    picked.push({ file: c[col('file')], mask: c[col('mask')], patient });
    if (picked.length === withMasks + without) break;
  }
  const folder = path.join(into, 'ieee8023-masks');
  fs.mkdirSync(path.join(folder, 'images'), { recursive: true });
  fs.mkdirSync(path.join(folder, 'masks'), { recursive: true });
  const truth = new Map<string, string>();
  const rows = picked.map((p, i) => {
    const name = path.basename(p.file);
    fs.copyFileSync(path.join(src, p.file), path.join(folder, 'images', name));
    fs.copyFileSync(path.join(src, p.mask), path.join(folder, 'masks', name));
    if (i >= withMasks) truth.set(name, path.join(folder, 'masks', name));
    return `images/${name},${i < withMasks ? `masks/${name}` : ''},ieee-${p.patient},ieee8023`;
  });
  const manifest = path.join(folder, 'manifest.csv');
  fs.writeFileSync(manifest, ['file,mask,patient_id,source', ...rows].join('\n') + '\n');
  return { manifest, truth };
}

/** `spcxr serve DIR` and a Chromium page on it, with its errors collected; `close` ends both. */
export async function servedPage(
  dir: string,
  viewport = { width: 1400, height: 900 },
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const served = await serve(dir);
  const l = await launch(viewport);
  const errors = watchErrors(l.page);
  await l.page.goto(served.url);
  return {
    page: l.page,
    errors,
    close: async () => {
      await l.close();
      await served.stop();
    },
  };
}
