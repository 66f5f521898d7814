#!/usr/bin/env bash
# Builds the project's OpenTelemetry Collector with the Collector Builder (ocb) from
# collector-config/builder.yaml and prints the binary's path. Cached by manifest hash: a
# second run prints the path at once. First build on 2 cores: 10–25 minutes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

manifest="$REPO_ROOT/collector-config/builder.yaml"
ocb_version="$(sed -n 's/^  version: *//p' "$manifest" | head -n1)"
[ -n "$ocb_version" ] || die "no dist.version in $manifest"
key="$(file_hash "$manifest")"
out="$OTEL_PIPELINE_CACHE/otelcol/$key"
bin="$out/otelcol-pipeline"

if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

go_env
ocb_dir="$OTEL_PIPELINE_CACHE/go-bin/builder-v$ocb_version"
if [ ! -x "$ocb_dir/builder" ]; then
  with_progress "installing the Collector Builder v$ocb_version" "$OTEL_PIPELINE_CACHE/logs/ocb-install.log" \
    env GOBIN="$ocb_dir" go install "go.opentelemetry.io/collector/cmd/builder@v$ocb_version"
fi

work="$out.build"
rm -rf "$work"; mkdir -p "$work"
{ cat "$manifest"; printf '\n# added by build-collector.sh\n'; } | \
  sed "s|^dist:|dist:\n  output_path: $work/src|" >"$work/builder.yaml"
"$ocb_dir/builder" --config="$work/builder.yaml" --skip-get-modules --skip-compilation >"$work/ocb.log" 2>&1 ||
  { cat "$work/ocb.log" >&2; die "the Collector Builder rejected $manifest"; }
# `go build -mod=mod` resolves only what the binary imports. ocb's own `go mod tidy` would also
# fetch the test-only modules of every dependency, several of which the module proxy here refuses.
with_progress "building the collector (first time: 10-25 min on 2 cores)" "$OTEL_PIPELINE_CACHE/logs/otelcol-build.log" \
  bash -c "cd '$work/src' && go build -trimpath -ldflags='-s -w' -o otelcol-pipeline ."
mkdir -p "$out"
mv "$work/src/otelcol-pipeline" "$bin"
rm -rf "$work"
echo "$bin"
