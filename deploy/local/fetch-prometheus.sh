#!/usr/bin/env bash
# Fetches Prometheus and Alertmanager from Debian's packages without installing them system-wide
# (no service is started, nothing outside the cache changes): `apt-get download` + `dpkg-deb -x`.
# Prints the directory holding bin/prometheus, bin/promtool, bin/alertmanager, bin/amtool.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out="$OTEL_PIPELINE_CACHE/prometheus-debian"
if [ -x "$out/bin/prometheus" ] && [ -x "$out/bin/alertmanager" ]; then echo "$out"; exit 0; fi

command -v apt-get >/dev/null || die "apt-get is required to fetch Prometheus and Alertmanager (Debian packages)"
debs="$OTEL_PIPELINE_CACHE/debs"
mkdir -p "$debs"
fetch() {
  (cd "$debs" && apt-get download "$@" >/dev/null 2>&1)
}
if ! fetch prometheus prometheus-alertmanager; then
  [ "$(id -u)" = 0 ] || die "apt-get download failed and refreshing the package lists needs root: run 'sudo apt-get update'"
  with_progress "refreshing Debian package lists" "$OTEL_PIPELINE_CACHE/logs/apt-update.log" apt-get update
  fetch prometheus prometheus-alertmanager || die "apt-get download prometheus prometheus-alertmanager failed"
fi
rm -rf "$out.tmp"; mkdir -p "$out.tmp/root" "$out.tmp/bin"
for deb in "$debs"/prometheus_*.deb "$debs"/prometheus-alertmanager_*.deb; do dpkg-deb -x "$deb" "$out.tmp/root"; done
for tool in prometheus promtool; do ln -s ../root/usr/bin/$tool "$out.tmp/bin/$tool"; done
ln -s ../root/usr/bin/prometheus-alertmanager "$out.tmp/bin/alertmanager"
ln -s ../root/usr/bin/amtool "$out.tmp/bin/amtool"
rm -rf "$out"; mv "$out.tmp" "$out"
echo "$out"
