#!/usr/bin/env node
// `npm start`: the Electron desktop app where Electron's binary is installed. Where it is not
// (install.sh cannot download it without access to github.com), say so in one sentence and name
// the way that works, instead of Electron's advice to reinstall node_modules (which fails the same way).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

let electron;
try {
  electron = require('electron'); // the binary's path; throws when it was never downloaded
} catch {
  process.stderr.write(
    "npm start: Electron's binary is not installed on this machine (install.sh could not download it), " +
      'so open the app in a Chromium window instead: npx spcxr app DIR (e.g. npx spcxr app spcxr-demo after npx spcxr demo).\n',
  );
  process.exit(1);
}

const built = spawnSync(process.execPath, [path.join(root, 'scripts/build-electron.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);

const child = spawn(electron, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => child.kill(s));
child.on('error', (e) => {
  process.stderr.write(`npm start: cannot run ${electron}: ${e.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
