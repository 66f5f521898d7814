#!/usr/bin/env bash
# The local stack: the project's OpenTelemetry Collector, Jaeger v2, Prometheus, Alertmanager and
# Elasticsearch, run natively on loopback (no Docker).
#
#   stack.sh build    obtain or build every server (cached outside the repo; first time: minutes)
#   stack.sh up       build if needed, start everything, wait for every health check, print URLs
#   stack.sh down     stop everything this run folder started; no process is left behind
#                     (`up` with OTEL_STACK_OWNER_PID=<pid> also runs `down` once that pid exits)
#   stack.sh status   one line per server
#   stack.sh env      the stack's endpoints as KEY=VALUE lines (for tests and the demo)
#
# Each server logs to $OTEL_STACK_RUN_DIR/<name>.log (default .run/stack/ in the repo).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
source "$here/ports.env"

RUN_DIR="${OTEL_STACK_RUN_DIR:-$REPO_ROOT/.run/stack}"
SERVERS=(elasticsearch jaeger prometheus alertmanager otelcol)
ES_USER="${OTEL_STACK_ES_USER:-otelstack}"
export STACK_HOST OTELCOL_OTLP_GRPC_PORT OTELCOL_OTLP_HTTP_PORT OTELCOL_HEALTH_PORT \
  OTELCOL_TELEMETRY_PORT JAEGER_OTLP_GRPC_PORT JAEGER_OTLP_HTTP_PORT JAEGER_QUERY_PORT \
  JAEGER_QUERY_GRPC_PORT JAEGER_HEALTH_PORT JAEGER_TELEMETRY_PORT PROMETHEUS_PORT \
  ALERTMANAGER_PORT ELASTICSEARCH_PORT ELASTICSEARCH_TRANSPORT_PORT

print_env() {
  cat <<ENV
OTELCOL_OTLP_GRPC_ENDPOINT=$STACK_HOST:$OTELCOL_OTLP_GRPC_PORT
OTELCOL_OTLP_HTTP_URL=http://$STACK_HOST:$OTELCOL_OTLP_HTTP_PORT
OTELCOL_HEALTH_URL=http://$STACK_HOST:$OTELCOL_HEALTH_PORT/
OTELCOL_METRICS_URL=http://$STACK_HOST:$OTELCOL_TELEMETRY_PORT/metrics
JAEGER_URL=http://$STACK_HOST:$JAEGER_QUERY_PORT
PROMETHEUS_URL=http://$STACK_HOST:$PROMETHEUS_PORT
ALERTMANAGER_URL=http://$STACK_HOST:$ALERTMANAGER_PORT
ELASTICSEARCH_URL=http://$STACK_HOST:$ELASTICSEARCH_PORT
STACK_RUN_DIR=$RUN_DIR
ENV
}

build_all() {
  OTELCOL_BIN="$("$here/build-collector.sh")"
  JAEGER_BIN="$("$here/build-jaeger.sh")"
  PROM_DIR="$("$here/fetch-prometheus.sh")"
  ES_HOME="$("$here/fetch-elasticsearch.sh")"
  local java
  java="$(command -v java)" || die "Java 17+ is required to run Elasticsearch"
  ES_JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java")")")"
}

pid_of() { cat "$RUN_DIR/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

port_free() {
  ! (exec 3<>"/dev/tcp/$STACK_HOST/$1") 2>/dev/null
}

# Starts one server in its own session (so `down` can stop its whole process group), with its
# output in <name>.log. Refuses when one of its ports is taken, naming the port.
start() {
  local name="$1" ports="$2"; shift 2
  if alive "$name"; then return 0; fi
  log "starting $name"
  local port
  for port in $ports; do
    port_free "$port" || die "port $port needed by $name is already in use on $STACK_HOST (set the port in the environment; see deploy/local/ports.env)"
  done
  # 9>&-: servers must not inherit the stack lock, or they would hold it for their lifetime.
  setsid "$@" >"$RUN_DIR/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN_DIR/$name.pid"
}

wait_http() {
  local name="$1" url="$2" deadline=$((SECONDS + ${3:-120}))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! alive "$name"; then
      tail -n 30 "$RUN_DIR/$name.log" >&2 || true
      die "$name exited during start-up; log: $RUN_DIR/$name.log"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$RUN_DIR/$name.log" >&2 || true
      die "$name did not become healthy at $url; log: $RUN_DIR/$name.log"
    fi
    sleep 0.5
  done
}

start_elasticsearch() {
  alive elasticsearch && return 0 # never touch the data folder of a running server
  local dir="$RUN_DIR/elasticsearch" runas=()
  if [ "$(id -u)" = 0 ]; then
    # Elasticsearch refuses root; run it as an unprivileged system user with its own folder in a
    # place that user can reach (the repo may sit under a private home directory).
    id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    dir="${OTEL_PIPELINE_SHARED_CACHE:-/var/tmp/otel-pipeline}/run-$(echo "$RUN_DIR" | sha256sum | cut -c1-12)/elasticsearch"
    # setpriv execs in place (no lingering parent), so stopping the group stops Elasticsearch.
    runas=(setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups)
  fi
  rm -rf "$dir"; mkdir -p "$dir/data" "$dir/logs"
  cp -r "$ES_HOME/config" "$dir/config"
  [ ${#runas[@]} -eq 0 ] || chown -R "$ES_USER" "$dir"
  echo "$dir" >"$RUN_DIR/elasticsearch.dir"
  start elasticsearch "$ELASTICSEARCH_PORT $ELASTICSEARCH_TRANSPORT_PORT" env \
    ES_PATH_CONF="$dir/config" ES_JAVA_HOME="$ES_JAVA_HOME" \
    ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx512m}" \
    "${runas[@]}" "$ES_HOME/bin/elasticsearch" \
    -E discovery.type=single-node -E xpack.security.enabled=false \
    -E http.host="$STACK_HOST" -E http.port="$ELASTICSEARCH_PORT" \
    -E transport.host="$STACK_HOST" -E transport.port="$ELASTICSEARCH_TRANSPORT_PORT" \
    -E path.data="$dir/data" -E path.logs="$dir/logs" \
    -E cluster.routing.allocation.disk.threshold_enabled=false
}

render() { # template → file, replacing ${VAR} from the environment
  python3 -c 'import os,re,sys; print(re.sub(r"\$\{([A-Z_]+)\}", lambda m: os.environ[m.group(1)], open(sys.argv[1]).read()), end="")' "$1" >"$2"
}

start_prometheus() {
  mkdir -p "$RUN_DIR/prometheus-data"
  RULES_DIR="$REPO_ROOT/collector-config/prometheus" render "$here/prometheus.yml.tmpl" "$RUN_DIR/prometheus.yml"
  start prometheus "$PROMETHEUS_PORT" "$PROM_DIR/bin/prometheus" \
    --config.file="$RUN_DIR/prometheus.yml" --storage.tsdb.path="$RUN_DIR/prometheus-data" \
    --web.listen-address="$STACK_HOST:$PROMETHEUS_PORT" --web.enable-remote-write-receiver \
    --web.enable-lifecycle
}

start_alertmanager() {
  # Debian's build reads its notification templates from a fixed system path.
  local tmpl=/usr/share/prometheus/alertmanager
  if [ ! -f "$tmpl/default.tmpl" ] || [ ! -f "$tmpl/email.tmpl" ]; then
    [ -w /usr/share ] || die "Alertmanager needs $tmpl/*.tmpl: run 'sudo apt-get install prometheus-alertmanager' or run this as root"
    mkdir -p "$tmpl"
    cp -n "$PROM_DIR/root$tmpl"/*.tmpl "$tmpl/"
  fi
  mkdir -p "$RUN_DIR/alertmanager-data" "$RUN_DIR/alertmanager-secrets"
  printf 'local' >"$RUN_DIR/alertmanager-secrets/pager-token"
  printf 'local' >"$RUN_DIR/alertmanager-secrets/chat-token"
  sed -e "s#http://alert-relay.invalid#${ALERT_WEBHOOK_BASE:-http://$STACK_HOST:9099}#" \
    -e "s#/etc/alertmanager/secrets#$RUN_DIR/alertmanager-secrets#" \
    "$REPO_ROOT/collector-config/alertmanager.yml" >"$RUN_DIR/alertmanager.yml"
  start alertmanager "$ALERTMANAGER_PORT" "$PROM_DIR/bin/alertmanager" \
    --config.file="$RUN_DIR/alertmanager.yml" --storage.path="$RUN_DIR/alertmanager-data" \
    --web.listen-address="$STACK_HOST:$ALERTMANAGER_PORT" --cluster.listen-address=
}

start_jaeger() {
  start jaeger "$JAEGER_OTLP_GRPC_PORT $JAEGER_OTLP_HTTP_PORT $JAEGER_QUERY_PORT $JAEGER_QUERY_GRPC_PORT $JAEGER_HEALTH_PORT $JAEGER_TELEMETRY_PORT" \
    "$JAEGER_BIN" --config "$here/jaeger.yaml"
}

start_otelcol() {
  start otelcol "$OTELCOL_OTLP_GRPC_PORT $OTELCOL_OTLP_HTTP_PORT $OTELCOL_HEALTH_PORT $OTELCOL_TELEMETRY_PORT" env \
    OTELCOL_OTLP_GRPC_ENDPOINT="$STACK_HOST:$OTELCOL_OTLP_GRPC_PORT" \
    OTELCOL_OTLP_HTTP_ENDPOINT="$STACK_HOST:$OTELCOL_OTLP_HTTP_PORT" \
    OTELCOL_HEALTH_ENDPOINT="$STACK_HOST:$OTELCOL_HEALTH_PORT" \
    OTELCOL_TELEMETRY_HOST="$STACK_HOST" OTELCOL_TELEMETRY_PORT="$OTELCOL_TELEMETRY_PORT" \
    OTELCOL_QUEUE_DIR="$RUN_DIR/otelcol-queue" \
    JAEGER_OTLP_GRPC_ENDPOINT="$STACK_HOST:$JAEGER_OTLP_GRPC_PORT" \
    PROMETHEUS_REMOTE_WRITE_URL="http://$STACK_HOST:$PROMETHEUS_PORT/api/v1/write" \
    ELASTICSEARCH_ENDPOINT="http://$STACK_HOST:$ELASTICSEARCH_PORT" \
    "$OTELCOL_BIN" --config "$REPO_ROOT/collector-config/otelcol.yaml" \
    --config "$REPO_ROOT/collector-config/otelcol.local.yaml"
}

up() {
  build_all
  mkdir -p "$RUN_DIR"
  local start_time=$SECONDS
  # A failed start stops whatever it already started: `up` either succeeds or leaves nothing.
  trap 'rc=$?; trap "" INT TERM; [ $rc -eq 0 ] || { log "start-up failed; stopping what was started"; down; }; exit $rc' EXIT
  # Interrupted (Ctrl-C, or a test runner killing its setup): the servers run in their own
  # sessions and would outlive us, so turn the signal into a failed exit, which stops them.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # Elasticsearch is the slowest to start: launch it first, the others while it boots.
  start_elasticsearch
  start_jaeger
  start_prometheus
  start_alertmanager
  wait_http jaeger "http://$STACK_HOST:$JAEGER_QUERY_PORT/api/services" 60
  wait_http prometheus "http://$STACK_HOST:$PROMETHEUS_PORT/-/ready" 60
  wait_http alertmanager "http://$STACK_HOST:$ALERTMANAGER_PORT/-/ready" 60
  wait_http elasticsearch "http://$STACK_HOST:$ELASTICSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" 180
  start_otelcol
  wait_http otelcol "http://$STACK_HOST:$OTELCOL_HEALTH_PORT/" 60
  trap - EXIT INT TERM
  watch_owner
  log "stack up in $((SECONDS - start_time)) s (logs in $RUN_DIR)"
  print_env >"$RUN_DIR/stack.env"
  cat >&2 <<URLS
  Collector OTLP   grpc $STACK_HOST:$OTELCOL_OTLP_GRPC_PORT  http http://$STACK_HOST:$OTELCOL_OTLP_HTTP_PORT
  Jaeger           http://$STACK_HOST:$JAEGER_QUERY_PORT/api/traces?service=<name>
  Prometheus       http://$STACK_HOST:$PROMETHEUS_PORT/graph
  Alertmanager     http://$STACK_HOST:$ALERTMANAGER_PORT/
  Elasticsearch    http://$STACK_HOST:$ELASTICSEARCH_PORT/otel-logs/_search
URLS
}

# With OTEL_STACK_OWNER_PID set (the test runner that started the stack), a watcher in its own
# session stops the stack once that process is gone, even if it was killed before its teardown.
# It must not inherit the lock (fd 9): the owner's own `down` would wait for it forever.
watch_owner() {
  [ -n "${OTEL_STACK_OWNER_PID:-}" ] || return 0
  stop_watcher
  echo "$OTEL_STACK_OWNER_PID" >"$RUN_DIR/owner.pid"
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; exec bash "$2" down' \
    _ "$OTEL_STACK_OWNER_PID" "$here/stack.sh" >>"$RUN_DIR/watcher.log" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN_DIR/watcher.pid"
}

# Stops the owner watcher, unless it is this very process (it execs `down` itself) or the PID
# now belongs to something else (a stale file).
stop_watcher() {
  [ -f "$RUN_DIR/watcher.pid" ] || return 0
  local watcher
  watcher="$(cat "$RUN_DIR/watcher.pid")"
  if [ "$watcher" != "$$" ] && grep -qa 'stack.sh' "/proc/$watcher/cmdline" 2>/dev/null; then
    kill "$watcher" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/watcher.pid"
}

# TERM to a set of servers' process groups at once, then KILL whatever outlives the grace period.
stop_group() {
  local name pid pids=()
  for name in "$@"; do
    pid="$(pid_of "$name")"
    [ -n "$pid" ] || continue
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
  local deadline=$((SECONDS + 20))
  for pid in "${pids[@]}"; do
    while kill -0 -- "-$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  for name in "$@"; do rm -f "$RUN_DIR/$name.pid"; done
}

down() {
  stop_watcher
  rm -f "$RUN_DIR/owner.pid"
  # The collector first, so it flushes into backends that still run; then the backends together.
  stop_group otelcol
  stop_group elasticsearch jaeger prometheus alertmanager
  if [ -f "$RUN_DIR/elasticsearch.dir" ]; then
    rm -rf "$(cat "$RUN_DIR/elasticsearch.dir")"
    rm -f "$RUN_DIR/elasticsearch.dir"
  fi
  log "stack down"
}

status() {
  local name rc=0
  for name in "${SERVERS[@]}"; do
    if alive "$name"; then echo "$name: running (pid $(pid_of "$name"), log $RUN_DIR/$name.log)"
    else echo "$name: stopped"; rc=3; fi
  done
  return $rc
}

# One stack operation at a time per run folder: concurrent `up`/`down` calls (parallel test
# runners, a demo next to a test run) queue up instead of interleaving.
lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock 9
}

case "${1:-}" in
  build) build_all; log "collector: $OTELCOL_BIN"; log "jaeger: $JAEGER_BIN"; log "prometheus: $PROM_DIR"; log "elasticsearch: $ES_HOME" ;;
  up) lock; up ;;
  down) lock; down ;;
  status) status ;;
  env) print_env ;;
  *) echo "usage: $0 build|up|down|status|env" >&2; exit 2 ;;
esac
