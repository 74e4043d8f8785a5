#!/usr/bin/env bash
# The one test command (README, .ci/run): type-check (TS + Svelte), lint, TypeScript tests
# (unit, contract, worker, serve, e2e in Chromium), Python tests.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p tsconfig.json
npx svelte-check --workspace src/renderer --tsconfig ./tsconfig.json --fail-on-warnings
# Renderer unit tests: neither of the above type-checks them (both exclude *.test.ts).
npx tsc --noEmit -p src/renderer/tsconfig.test.json
npx biome check
# The e2e tests drive dist/renderer: build it from the sources under test.
npm run build:renderer
npx vitest run
/usr/bin/python3 -m pytest -q pretrain/tests
