#!/usr/bin/env bash
# Tracking benchmark: log-metric and log-batch load from wrk against the real `steward` server
# (its own JVM, embedded SQLite store), then the filtered-search benchmark (bench module).
# Builds the distribution into target/ folders (nothing is installed into the local repository).
# Usage: bench/tracking.sh [wrk|search|all]      (default all; needs wrk: apt-get install wrk)
#   BENCH_DIST    a directory holding steward.jar and lib/ to measure instead of this checkout's
#                 build (a baseline: `cp -r steward-cli/target/steward.jar steward-cli/target/lib DIR`)
#   BENCH_SECONDS seconds of each measured wrk run (default 15)
#   BENCH_WARMUP  seconds of load before each measured wrk run (default 15: on a loaded machine the JIT
#                 needs that long; with 5 s the first figures measured half-compiled code)
#   BENCH_RUNS    runs of the search benchmark, comma-separated (default 2000,100000)
#   BENCH_SET     server settings, e.g. "store.sqlite-synchronous=FULL" (space-separated KEY=VALUE)
#   BENCH_JFR     a file: the server records a JFR profile of the wrk parts into it (the search's JVM into NAME-search.jfr)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
parts="${1:-all}"
seconds="${BENCH_SECONDS:-15}"
warmup="${BENCH_WARMUP:-15}"
mvn -B -q -o -Dstyle.color=never -DskipTests -pl steward-cli,bench -am package >/dev/null
dist="${BENCH_DIST:-steward-cli/target}"
echo "== $(nproc) cores, $(java -version 2>&1 | head -1), distribution $dist, load average $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ "$parts" == all || "$parts" == wrk ]]; then
  home="$(mktemp -d)"
  port="${BENCH_PORT:-18123}"
  jfr=()
  [[ -n "${BENCH_JFR:-}" ]] && jfr=("-XX:StartFlightRecording=filename=$BENCH_JFR,settings=profile")
  settings=()
  for setting in ${BENCH_SET:-}; do settings+=(--set "$setting"); done
  java -Xmx1g "${jfr[@]}" -jar "$dist/steward.jar" --home "$home" server --port "$port" "${settings[@]}" >"$home/server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$home"' EXIT
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && break; sleep 0.5; done
  export TOKEN; TOKEN="$(cat "$home/admin.token")"
  new_run() {
    curl -sf -H "Authorization: Bearer $TOKEN" -d '{"experiment_id":"0"}' "$url/api/2.0/mlflow/runs/create" \
      | sed -E 's/.*"run_id":"([0-9a-f]{32})".*/\1/'
  }
  # The server's CPU time (user + system, clock ticks) from /proc: CPU per request is the figure a
  # shared machine's load moves least.
  cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
  measure() {   # measure CONNECTIONS SCRIPT METRICS_PER_REQUEST
    local before after out requests
    before="$(cpu_ticks)"
    out="$(wrk -t2 -c"$1" -d"${seconds}s" --latency -s "bench/wrk/$2" "$url")"
    after="$(cpu_ticks)"
    grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx" <<<"$out"
    requests="$(grep -Eo '^ *[0-9]+ requests in' <<<"$out" | grep -Eo '[0-9]+')"
    awk -v t=$((after - before)) -v r="$requests" -v m="$3" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "  server CPU %.1f us per request, %.2f us per metric (%d requests)\n", t / hz * 1e6 / r, t / hz * 1e6 / r / m, r }'
  }
  export RUN_ID
  RUN_ID="$(new_run)"; wrk -t2 -c8 -d"${warmup}s" -s bench/wrk/log-metric.lua "$url" >/dev/null   # JIT warm-up
  RUN_ID="$(new_run)"
  echo "== log-metric, 8 connections (load average $(cut -d' ' -f1 /proc/loadavg))"
  measure 8 log-metric.lua 1
  RUN_ID="$(new_run)"; wrk -t2 -c4 -d"${warmup}s" -s bench/wrk/log-batch.lua "$url" >/dev/null
  RUN_ID="$(new_run)"
  echo "== log-batch (1000 metrics per request), 4 connections (load average $(cut -d' ' -f1 /proc/loadavg))"
  measure 4 log-batch.lua 1000
  kill $server; wait $server 2>/dev/null || true
fi

if [[ "$parts" == all || "$parts" == search ]]; then
  echo "== search (load average $(cut -d' ' -f1 /proc/loadavg))"
  search_jfr=()
  [[ -n "${BENCH_JFR:-}" ]] && search_jfr=("-XX:StartFlightRecording=filename=${BENCH_JFR%.jfr}-search.jfr,settings=profile")
  java -Xmx2g "${search_jfr[@]}" -Dbench.runs="${BENCH_RUNS:-2000,100000}" -cp "bench/target/classes:$dist/lib/*" dev.steward.bench.Bench tracking:search
fi
