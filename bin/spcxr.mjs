#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx spcxr` works right after `npm ci`
// with no build step; the packaged app ships an esbuild bundle of the same entry instead.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
