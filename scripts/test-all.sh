#!/usr/bin/env bash
# The one test command (README, .ci/run): type-check, lint, TypeScript tests, Python tests.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p tsconfig.json
npx biome check
npx vitest run
/usr/bin/python3 -m pytest -q pretrain/tests
