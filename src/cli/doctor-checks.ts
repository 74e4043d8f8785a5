/**
 * What `spcxr doctor` reports as usable on this machine (not merely listed or declared), and
 * its one-line verdict. Optional parts (Electron, Chromium, Python/torch, the shared test data,
 * a GPU) never fail the verdict; they say what is missing and what it costs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Optional } from '../core/app/doctor.ts';
import { findChromium } from './browser.ts';

const require = createRequire(import.meta.url);

export function electronCheck(): Optional {
  if (process.versions.electron)
    return { name: 'electron', usable: true, detail: `running in Electron ${process.versions.electron}` };
  try {
    const bin = require('electron') as string;
    if (existsSync(bin))
      return { name: 'electron', usable: true, detail: `binary at ${bin}: npm start works` };
  } catch {
    // the package throws when its binary was never downloaded
  }
  return {
    name: 'electron',
    usable: false,
    detail: 'binary not installed: npm start cannot open the desktop app; use spcxr app',
  };
}

export function chromiumCheck(): Optional {
  const b = findChromium(process.env.SPCXR_BROWSER || undefined);
  return b
    ? { name: 'chromium', usable: true, detail: `${b}: spcxr app opens an app window` }
    : {
        name: 'chromium',
        usable: false,
        detail: 'no Chromium, Chrome or Edge: spcxr app falls back to the default browser',
      };
}

/** The pretraining pipeline (pretrain/) runs on Debian's torch under /usr/bin/python3. */
export function pythonCheck(): Optional {
  const python = process.platform === 'win32' ? 'python' : '/usr/bin/python3';
  const r = spawnSync(python, ['-c', 'import torch, numpy, PIL, yaml; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status === 0) {
    return { name: 'python', usable: true, detail: `torch ${r.stdout.trim()}: pretrain/ runs` };
  }
  const why = r.error ? `${python} not found` : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
  return {
    name: 'python',
    usable: false,
    detail: `${why}: pretrain/ cannot run (scripts/install.sh installs it)`,
  };
}

/** ../shared/data beside the checkout: the real datasets some tests read. */
export function sharedDataCheck(root: string): Optional {
  const dir = path.resolve(root, '../shared/data');
  return existsSync(path.join(dir, 'cxr'))
    ? { name: 'shared test data', usable: true, detail: `${dir}: every test runs` }
    : {
        name: 'shared test data',
        usable: false,
        detail: `not found at ${dir}: tests that need it are skipped`,
      };
}
