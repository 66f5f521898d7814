#!/usr/bin/env bash
# Runs a command with the pinned toolchain first on PATH (see bootstrap.sh).
set -euo pipefail
PATH="$("$(dirname "$0")/bootstrap.sh")"
export PATH
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1
exec "$@"
