#!/usr/bin/env bash
# Builds Jaeger v2 (cmd/jaeger) from the Go module proxy and prints the binary's path.
# The proxy serves Jaeger's v1.x tags (v1.76.0 is the same commit as Jaeger v2.13.0); those tags
# carry a `replace` for sarama, which `go install pkg@version` refuses, so this builds the
# package from a throwaway wrapper module that repeats the replace.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

JAEGER_MODULE_VERSION="${JAEGER_MODULE_VERSION:-v1.76.0}"
out="$OTEL_PIPELINE_CACHE/jaeger/$JAEGER_MODULE_VERSION"
bin="$out/jaeger"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

go_env
work="$out.build"
rm -rf "$work"; mkdir -p "$work"
cat >"$work/go.mod" <<MOD
module jaegerbuild

go 1.24

require github.com/jaegertracing/jaeger $JAEGER_MODULE_VERSION

replace github.com/Shopify/sarama => github.com/Shopify/sarama v1.33.0
MOD
# Jaeger's own go.sum pins every dependency's checksum; reusing it means the build never needs
# the checksum database for them (the proxy's mirror of it lacks some entries).
(cd "$work" && go mod download -json github.com/jaegertracing/jaeger >"$work/download.json") ||
  die "could not download github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION from $GOPROXY"
jaeger_dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' "$work/download.json")"
cat "$jaeger_dir/go.sum" >>"$work/go.sum"
with_progress "building Jaeger $JAEGER_MODULE_VERSION (first time: several minutes)" "$OTEL_PIPELINE_CACHE/logs/jaeger-build.log" \
  bash -c "cd '$work' && go build -trimpath -ldflags='-s -w' -o '$work/jaeger' github.com/jaegertracing/jaeger/cmd/jaeger"
mkdir -p "$out"
mv "$work/jaeger" "$bin"
rm -rf "$work"
echo "$bin"
