#!/usr/bin/env bash
# Fetches Elasticsearch's integ-test-zip distribution from Maven Central (through Maven) and
# unpacks it; prints ES_HOME. The distribution has no bundled JDK and runs on the machine's
# Java 17+. Elasticsearch refuses to run as root, so when run as root the install lives in a
# world-readable cache (/var/tmp) that the unprivileged stack user can read.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ES_VERSION="${ES_VERSION:-8.19.21}"
if [ "$(id -u)" = 0 ]; then base="${OTEL_PIPELINE_SHARED_CACHE:-/var/tmp/otel-pipeline}"; else base="$OTEL_PIPELINE_CACHE"; fi
home="$base/elasticsearch-$ES_VERSION"
if [ -x "$home/bin/elasticsearch" ]; then echo "$home"; exit 0; fi

command -v mvn >/dev/null || die "Maven (mvn) is required to fetch Elasticsearch from Maven Central"
command -v java >/dev/null || die "Java 17+ is required to run Elasticsearch"
dl="$OTEL_PIPELINE_CACHE/maven"
mkdir -p "$dl" "$base"
zip="$dl/elasticsearch-$ES_VERSION.zip"
if [ ! -s "$zip" ]; then
  with_progress "fetching Elasticsearch $ES_VERSION from Maven Central" "$OTEL_PIPELINE_CACHE/logs/es-fetch.log" \
    mvn -B -q dependency:copy \
      "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      "-DoutputDirectory=$dl" "-Dmdep.stripVersion=false"
fi
rm -rf "$home.tmp"; mkdir -p "$home.tmp"
(cd "$home.tmp" && python3 -m zipfile -e "$zip" .)
mv "$home.tmp/elasticsearch-$ES_VERSION" "$home"
rm -rf "$home.tmp"
chmod -R a+rX "$home"
chmod a+x "$home"/bin/* "$home"/modules/*/bin/* 2>/dev/null || true
echo "$home"
