#!/usr/bin/env bash
# Provides the pinned toolchain for every project command, from the npm registry only:
#   - Node >= 22.15: the machine's node when new enough, else node-linux-<arch>@$NODE_VERSION
#     (the npm package ships the real binary) unpacked into .tools/ (git-ignored);
#   - pnpm $PNPM_VERSION (its native build, @pnpm/exe.linux-<arch>) unpacked into .tools/ and
#     exposed as .tools/bin/pnpm.
# Idempotent and fast on a second run. Prints the PATH to use on stdout; logs go to stderr.
# Usage: PATH="$(scripts/bootstrap.sh)" some-command   (scripts/with-tools.sh does exactly this)
set -euo pipefail

NODE_VERSION=24.21.0
NODE_MIN=22.15.0
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$(dirname "$0")/../package.json")"

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
cache="${OTEL_PIPELINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otel-pipeline}/npm-pack"
log() { printf '[bootstrap] %s\n' "$*" >&2; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# Unpacks one npm package tarball into $2, fetched through the machine's npm into a cache
# outside the repo so fresh clones do not download it again.
unpack_npm() {
  local spec="$1" dest="$2" tgz
  mkdir -p "$cache"
  tgz="$cache/$(echo "$spec" | tr '/@' '__').tgz"
  if [ ! -s "$tgz" ]; then
    log "fetching $spec from the npm registry"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack "$spec" --silent >/dev/null 2>"$tmp/err") || { cat "$tmp/err" >&2; exit 1; }
    mv "$tmp"/*.tgz "$tgz"; rm -rf "$tmp"
  fi
  rm -rf "$dest.tmp"; mkdir -p "$dest.tmp"
  tar -xzf "$tgz" -C "$dest.tmp" --strip-components=1
  rm -rf "$dest"; mv "$dest.tmp" "$dest"
}

case "$(uname -m)" in
  x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) log "unsupported CPU $(uname -m)"; exit 1 ;;
esac

node_bin_dir=""
if command -v node >/dev/null && version_ge "$(node -p 'process.versions.node')" "$NODE_MIN"; then
  node_bin_dir="$(dirname "$(command -v node)")"
else
  dir="$tools/node-v$NODE_VERSION-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    command -v npm >/dev/null || { log "npm is required to fetch Node $NODE_VERSION"; exit 1; }
    unpack_npm "node-linux-$arch@$NODE_VERSION" "$dir"
    chmod +x "$dir/bin/node"
    log "installed Node $("$dir/bin/node" -v) into .tools/"
  fi
  node_bin_dir="$dir/bin"
fi

pnpm_dir="$tools/pnpm-$PNPM_VERSION"
if [ ! -x "$pnpm_dir/pnpm" ]; then
  unpack_npm "@pnpm/exe.linux-$arch@$PNPM_VERSION" "$pnpm_dir"
  chmod +x "$pnpm_dir/pnpm"
  log "installed pnpm $PNPM_VERSION into .tools/"
fi
mkdir -p "$tools/bin"
ln -sfn "$pnpm_dir/pnpm" "$tools/bin/pnpm"

# The machine's npm stays usable under the new node (the node package ships no npm).
echo "$tools/bin:$node_bin_dir:$root/node_modules/.bin:$PATH"
