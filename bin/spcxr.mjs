#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx spcxr` works right after `npm ci`
// with no build step; the packaged app ships an esbuild bundle of the same entry instead.
// It runs in this process (no child to forward signals to), so the server and its worker stop
// on SIGINT/SIGTERM/SIGHUP sent to it.
import { register } from 'tsx/esm/api';
import { watchLauncher } from './watch-launcher.mjs';

watchLauncher();
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
