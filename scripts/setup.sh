#!/usr/bin/env bash
# Installs the workspace exactly as locked and builds it. Idempotent; seconds on a second run.
# Expects the pinned toolchain on PATH (run through scripts/with-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm install --frozen-lockfile --reporter=silent
# The fuzzer's prebuilt addon wants a newer C library than some distributions ship.
node scripts/fuzzer-glibc-compat.ts
pnpm exec turbo run build --output-logs=errors-only
