#!/usr/bin/env bash
# One command, no Docker: builds if needed, then runs the whole suite on this machine with embedded
# defaults (static discovery, no Consul): remote-receiver, forwarder, two api-servers with separate
# data directories, HAProxy over them, the RSocket proxy with the demo application connected through
# the starter, and Debian's Prometheus remote-writing to the receiver and scraping the proxy. Then
# grpc-client follows, on this terminal, what Prometheus remote-wrote. Ctrl-C stops every process it
# started, by PID. RUN_LOCAL_STATE moves the state directory; FOLLOW_METRIC picks the metric followed.
#
# --plan starts nothing: it prints each process it would start, its name and then its command, tab
# separated, one per line. Integration-tests' LocalRunTests holds them to the applications' own
# settings (DeploymentRules), as DockerComposeTests and KubernetesManifestsTests hold the others.
set -euo pipefail
cd "$(dirname "$0")/.."

plan=false
[ "${1:-}" = --plan ] && plan=true
state=${RUN_LOCAL_STATE:-.run-local}
mkdir -p "$state/logs"
if ! $plan && [ -f "$state/pids" ]; then
  while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "The suite is already running ($name is PID $pid; see $state/pids). Stop it with Ctrl-C in its terminal, or: kill \$(cut -d' ' -f1 $state/pids)" >&2
      exit 1
    fi
  done < "$state/pids"
  rm -f "$state/pids"
fi

# A module's exec jar, in whichever half it lives (pipeline/ or rsocket/); empty before it is built
# (the --plan names it all the same).
jar() {
  local found
  found=$(ls pipeline/"$1"/target/"$1"-*-exec.jar rsocket/"$1"/target/"$1"-*-exec.jar 2>/dev/null | head -n 1 || true)
  if [ -z "$found" ] && $plan; then
    found="$1-exec.jar"
  fi
  echo "$found"
}
$plan || for module in remote-receiver forwarder api-server grpc-client proxy-server demo-app; do
  if [ -z "$(jar $module)" ]; then
    echo "Building (first run only)..."
    ./mvnw -B -q -DskipTests install
    break
  fi
done

# Real peers: Debian's Prometheus and HAProxy, installed when missing and this is root on Debian.
if ! $plan && { ! command -v prometheus >/dev/null || ! command -v haproxy >/dev/null; } \
    && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's prometheus and haproxy..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus haproxy >/dev/null \
    || echo "Could not install them; running without what is missing." >&2
fi

pids=()
watched=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  # Newest first, each gone before the next: grpc-client, then Prometheus (which sends what its
  # remote-write queue holds while the receiver is still up), and the pipeline from its front.
  local i pid
  for (( i = ${#pids[@]} - 1; i >= 0; i-- )); do
    pid=${pids[i]}
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$state/pids"
}
# Ctrl-C or kill: stop everything and end there, before the watch below sees processes gone.
if ! $plan; then
  trap 'stop_all; exit 130' INT TERM
  trap stop_all EXIT
fi

start() {
  local name=$1; shift
  if $plan; then
    (IFS=$'\t'; echo "$name"$'\t'"$*")
    return
  fi
  "$@" >"$state/logs/$name.log" 2>&1 &
  pids+=($!)
  watched+=($!)
  echo "$! $name" >> "$state/pids"
}

java_opts=(-Xmx256m -XX:+UseParallelGC)
# The peers each api-server catches up from, at their gRPC ports: one list for both (each skips itself).
peers=(--spring.cloud.discovery.client.simple.instances.prometheus-api-server[0].uri=http://127.0.0.1:8091
  --spring.cloud.discovery.client.simple.instances.prometheus-api-server[1].uri=http://127.0.0.1:8191)
start api-server-1 java "${java_opts[@]}" -jar "$(jar api-server)" --server.port=8071 \
  --relay.api-server.relay.port=8070 --relay.api-server.grpc.port=8091 \
  --relay.api-server.store.data-dir="$state/data/api-server-1" "${peers[@]}"
start api-server-2 java "${java_opts[@]}" -jar "$(jar api-server)" --server.port=8171 \
  --relay.api-server.relay.port=8170 --relay.api-server.grpc.port=8191 \
  --relay.api-server.store.data-dir="$state/data/api-server-2" "${peers[@]}"
start forwarder java "${java_opts[@]}" -jar "$(jar forwarder)" --server.port=9998 \
  --relay.forwarder.relay.port=9999 --relay.forwarder.handoff.dir="$state/data/forwarder" \
  --spring.cloud.discovery.client.simple.instances.api-server[0].uri=http://127.0.0.1:8070 \
  --spring.cloud.discovery.client.simple.instances.api-server[1].uri=http://127.0.0.1:8170
start remote-receiver java "${java_opts[@]}" -jar "$(jar remote-receiver)" --server.port=9201 \
  --spring.cloud.discovery.client.simple.instances.forwarder[0].uri=http://127.0.0.1:9999
start proxy-server java "${java_opts[@]}" -jar "$(jar proxy-server)" --server.port=8080 \
  --relay.proxy.tcp-port=7001 --relay.proxy.websocket-port=8081
start demo-app env PROXY_HOST=127.0.0.1 PROXY_PORT=7001 java -Xmx128m -XX:+UseSerialGC -jar "$(jar demo-app)"

wait_healthy() {
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$2/actuator/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "$1 did not become healthy; see $state/logs/$1.log" >&2
  return 1
}
if ! $plan; then
  wait_healthy api-server-1 8071; wait_healthy api-server-2 8171; wait_healthy forwarder 9998; wait_healthy remote-receiver 9201
  wait_healthy proxy-server 8080
fi

if $plan || command -v haproxy >/dev/null; then
  # -db keeps HAProxy in the foreground, so its PID is the one stopped on Ctrl-C.
  start haproxy env HAPROXY_BIND=127.0.0.1:8090 HAPROXY_STATS=127.0.0.1:8404 \
    API_SERVER_1=127.0.0.1:8091 API_SERVER_1_CHECK_PORT=8071 \
    API_SERVER_2=127.0.0.1:8191 API_SERVER_2_CHECK_PORT=8171 \
    haproxy -db -f deploy/haproxy/haproxy-static.cfg
  haproxy_line="HAProxy (gRPC)      127.0.0.1:8090 -> api-servers        stats http://127.0.0.1:8404/stats"
  client_target=127.0.0.1:8090
else
  haproxy_line="HAProxy             not installed (apt-get install haproxy); read an api-server directly"
  client_target=127.0.0.1:8091
fi

if $plan || command -v prometheus >/dev/null; then
  cat > "$state/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
scrape_configs:
  - job_name: prometheus
    static_configs: [{targets: ['127.0.0.1:9090']}]
  - job_name: relay
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ['127.0.0.1:9201', '127.0.0.1:9998', '127.0.0.1:8071', '127.0.0.1:8171', '127.0.0.1:8080']
  # Every application connected to the proxy; honor_labels keeps each one's own instance label.
  - job_name: rsocket-connected
    metrics_path: /metrics/connected
    honor_labels: true
    static_configs: [{targets: ['127.0.0.1:8080']}]
  - job_name: rsocket-proxy
    metrics_path: /metrics/proxy
    static_configs: [{targets: ['127.0.0.1:8080']}]
remote_write:
  - url: http://127.0.0.1:9201/api/v1/write
YAML
  start prometheus prometheus --config.file="$state/prometheus.yml" --storage.tsdb.path="$state/data/prometheus" \
    --web.listen-address=127.0.0.1:9090
  prometheus_line="Prometheus          http://127.0.0.1:9090  (remote-writes to the receiver, scrapes every service and the proxy)"
else
  prometheus_line="Prometheus          not installed (apt-get install prometheus), so nothing remote-writes yet"
fi

follow=(java -Xmx128m -jar "$(jar grpc-client)" --lb-addr="$client_target" --metric="${FOLLOW_METRIC:-up}" --mode=follow)
if $plan; then
  start grpc-client "${follow[@]}"
  exit 0
fi

cat <<INFO

Prometheus Relay is running (logs in $state/logs, data in $state/data):
  $prometheus_line
  $haproxy_line
  remote-receiver     http://127.0.0.1:9201/api/v1/write   actuator :9201
  forwarder           relay tcp://127.0.0.1:9999           actuator :9998
  api-server-1        relay tcp://127.0.0.1:8070  gRPC :8091  actuator :8071   data $state/data/api-server-1 (latest -> newest segment)
  api-server-2        relay tcp://127.0.0.1:8170  gRPC :8191  actuator :8171   data $state/data/api-server-2
  proxy-server        rsocket tcp://127.0.0.1:7001  ws://127.0.0.1:8081   http://127.0.0.1:8080/metrics/connected  /metrics/proxy
  demo-app            connected to the proxy through the starter (its meters: demo_orders_total, demo_checkout_seconds, ...)
Read the metrics back yourself:
  java -jar $(jar grpc-client) --lb-addr=$client_target --metric=up
Following '${FOLLOW_METRIC:-up}' as Prometheus remote-writes it (grpc-client --mode=follow); Ctrl-C stops everything.

INFO

# Until HAProxy has found healthy api-servers, a read is refused: wait for the first that succeeds.
for _ in $(seq 1 30); do
  java -Xmx128m -jar "$(jar grpc-client)" --lb-addr="$client_target" --metric=up --deadline=5s >/dev/null 2>&1 && break
  sleep 1
done
# On this terminal, not a log; not watched: if it stops, the suite keeps running.
"${follow[@]}" &
pids+=($!)
echo "$! grpc-client" >> "$state/pids"

while true; do
  for pid in "${watched[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$(grep "^$pid " "$state/pids" | cut -d' ' -f2) exited (PID $pid); see $state/logs." >&2
      exit 1
    fi
  done
  # In the background and waited for, so that a signal runs its trap at once.
  sleep 2 & wait $!
done
