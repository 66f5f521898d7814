# Shared helpers for the local stack scripts. Sourced, never executed.
# Every cache lives outside the repo, keyed by pinned versions, so a fresh clone reuses earlier builds.

: "${OTEL_PIPELINE_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/otel-pipeline}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export OTEL_PIPELINE_CACHE REPO_ROOT

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# Runs a slow step with its output in a log file, printing a progress dot every 15 s
# so a first-time build visibly advances; on failure shows the log's tail.
with_progress() {
  local label="$1" logfile="$2"; shift 2
  mkdir -p "$(dirname "$logfile")"
  log "$label (log: $logfile)"
  local start=$SECONDS
  "$@" >"$logfile" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    kill -0 "$pid" 2>/dev/null && log "  … $label: $((SECONDS - start)) s"
  done
  if ! wait "$pid"; then
    tail -n 40 "$logfile" >&2
    die "$label failed after $((SECONDS - start)) s; full log: $logfile"
  fi
  log "$label done in $((SECONDS - start)) s"
}

# Go settings for module downloads: only the module proxy is reachable, so never fall back to VCS.
# The checksum database's mirror here lacks entries for many collector modules, so lookups are
# off; modules still come only from the proxy over TLS, and go.sum records what was used.
go_env() {
  export GOSUMDB="${GOSUMDB_OVERRIDE:-off}"
  command -v go >/dev/null || die "go is required to build the collector and Jaeger (install golang >= 1.24)"
  export GOPROXY="${GOPROXY_OVERRIDE:-https://proxy.golang.org}"
  export GOFLAGS="${GOFLAGS:-} -mod=mod"
  export CGO_ENABLED=0
}

# A digest of the files' contents (not their paths: every clone of the repo shares the cache).
file_hash() { cat "$@" | sha256sum | cut -c1-12; }
