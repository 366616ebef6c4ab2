#!/usr/bin/env bash
# Tracking benchmark: log-metric and log-batch load from wrk against the real `steward` server
# (its own JVM, embedded SQLite store), then the filtered-search benchmark (bench module).
# Usage: bench/tracking.sh            (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true -pl steward-cli,bench -am install >/dev/null
home="$(mktemp -d)"
port="${BENCH_PORT:-18123}"
java -Xmx1g -jar steward-cli/target/steward.jar --home "$home" server --port "$port" >"$home/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$home"' EXIT
url="http://127.0.0.1:$port"
for _ in $(seq 1 60); do curl -sf "$url/health" >/dev/null && break; sleep 0.5; done
export TOKEN; TOKEN="$(cat "$home/admin.token")"
new_run() {
  curl -sf -H "Authorization: Bearer $TOKEN" -d '{"experiment_id":"0"}' "$url/api/2.0/mlflow/runs/create" \
    | sed -E 's/.*"run_id":"([0-9a-f]{32})".*/\1/'
}
echo "== $(nproc) cores, $(java -version 2>&1 | head -1)"
export RUN_ID
RUN_ID="$(new_run)"; wrk -t2 -c8 -d5s -s bench/wrk/log-metric.lua "$url" >/dev/null   # JIT warm-up
RUN_ID="$(new_run)"
echo "== log-metric, 8 connections"
wrk -t2 -c8 -d15s --latency -s bench/wrk/log-metric.lua "$url" | grep -E "Requests/sec|50%|99%"
RUN_ID="$(new_run)"; wrk -t2 -c4 -d5s -s bench/wrk/log-batch.lua "$url" >/dev/null
RUN_ID="$(new_run)"
echo "== log-batch (1000 metrics per request), 4 connections"
wrk -t2 -c4 -d15s --latency -s bench/wrk/log-batch.lua "$url" | grep -E "Requests/sec|50%|99%"
kill $server; wait $server 2>/dev/null || true
echo "== search"
mvn -B -q -Dstyle.color=never -pl bench exec:exec -Dbench=tracking:search | grep -v '^\s*$' | sed 's/\x1b\[[0-9;]*m//g'
