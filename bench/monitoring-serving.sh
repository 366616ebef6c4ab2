#!/usr/bin/env bash
# Monitoring's cost on the serving path (issue 14): the same penguins random forest (100 trees)
# served by three deployments of one real server (`steward.jar server`, its own JVM): one not
# watched, two watched by a monitor with every default on (outlier scores written into the request
# log, per-feature profiles, the MMD sample, the confidence-based estimate), over windows of 1,000
# requests (the default: at these rates several windows close and are evaluated every second) and
# of 100,000 (what the tap and the writer cost, with few evaluations); wrk, 8 connections,
# single-row OIP v2 requests of the penguins in turn (traffic like the reference: no drift), the three interleaved round by round, each round starting with another,
# so that the machine's drift in load hits all alike. Prints each run and the ratios of the medians. Target: at most 5% fewer
# requests per second with the monitor.
# Builds the distribution into target/ folders (nothing is installed into the local repository).
# Usage: bench/monitoring-serving.sh   (BENCH_SECONDS, default 15, BENCH_WARMUP, default 5, BENCH_ROUNDS, default 3)
#   needs wrk, curl and jq: apt-get install -y wrk curl jq
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (see the usage at the top of $0)" >&2; exit 1; }
done
seconds="${BENCH_SECONDS:-15}"
warmup="${BENCH_WARMUP:-5}"
rounds="${BENCH_ROUNDS:-3}"
port="${BENCH_PORT:-18134}"
mvn -B -q -o -Dstyle.color=never -DskipTests -pl steward-cli -am package >/dev/null
home="$(mktemp -d)"
java -Xmx1g -jar steward-cli/target/steward.jar --home "$home" server --port "$port" >"$home/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$home"' EXIT
url="http://127.0.0.1:$port"
for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && break; sleep 0.5; done
admin="$(cat "$home/admin.token")"
api() { curl -sf -H "Authorization: Bearer $admin" -H "Content-Type: application/json" "$@"; }

echo "== $(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
penguins=steward-server/src/test/resources/data/penguins.csv
api -X POST --data-binary @"$penguins" "$url/api/v1/datasets/penguins/versions?file_name=penguins.csv" >/dev/null
job="$(api -X POST "$url/api/v1/jobs" -d '{"kind": "train", "spec": {"experiment": "penguins", "dataset": {"name": "penguins", "version": 1},
  "target": "species", "task": "multiclass_classification",
  "features": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g", "island", "sex"],
  "preprocessing": [{"step": "impute", "columns": ["sex"], "strategy": "most_frequent"}], "split": {"holdout": 0.2},
  "algorithm": {"name": "random_forest", "hyperparameters": {"n_trees": 100, "max_depth": 1000, "min_child_weight": 1, "fraction_features": 0.5}}}}' \
  | jq -r .id)"
until [[ "$(api "$url/api/v1/jobs/$job" | jq -r .status)" =~ ^(succeeded|failed|cancelled|interrupted)$ ]]; do sleep 0.5; done
run="$(api "$url/api/v1/jobs/$job" | jq -r .run_id)"
api -X POST "$url/api/v1/models/penguins/versions" -d "{\"run_id\": \"$run\"}" >/dev/null
api -X POST "$url/api/v1/models/penguins/versions/1/promote" -d '{"environment": "production"}' >/dev/null
for name in penguins-plain penguins-watched penguins-large; do
  api -X POST "$url/api/v1/deployments" -d "{\"name\": \"$name\", \"model\": \"models:/penguins/1\"}" >/dev/null
done
monitor="$(curl -s -H "Authorization: Bearer $admin" -H "Content-Type: application/json" -X POST "$url/api/v1/monitors" -d '{"deployment": "penguins-watched", "spec": {"window": {"requests": 1000}}}')"
jq -e .deployment <<<"$monitor" >/dev/null || { echo "bench: creating the monitor failed: $monitor" >&2; exit 1; }
jq -c '{monitor: .deployment, reference, features}' <<<"$monitor" | sed 's/^/   /'
# The same monitor over windows of 100,000 requests: what the tap and the writer cost, without an evaluation every fraction of a second.
api -X POST "$url/api/v1/monitors" -d '{"deployment": "penguins-large", "spec": {"window": {"requests": 100000}}}' >/dev/null
export TOKEN; TOKEN="$(api -X POST "$url/api/v1/tokens" -d '{"name": "bench", "role": "inference"}' | jq -r .secret)"
until curl -sf "$url/v2/health/ready" >/dev/null; do sleep 0.2; done

OIP='{"inputs": [{"name": "island", "shape": [1, 1], "datatype": "BYTES", "data": ["Torgersen"]},
  {"name": "beak_length_mm", "shape": [1, 1], "datatype": "FP64", "data": [39.1]},
  {"name": "beak_depth_mm", "shape": [1, 1], "datatype": "FP64", "data": [18.7]},
  {"name": "flipper_length_mm", "shape": [1, 1], "datatype": "FP64", "data": [181]},
  {"name": "body_mass_g", "shape": [1, 1], "datatype": "FP64", "data": [3750]},
  {"name": "sex", "shape": [1, 1], "datatype": "BYTES", "data": ["MALE"]}]}'

# The penguins with every measurement, one OIP body a line: traffic drawn from the reference, as a calm day brings.
jq -Rr 'sub("\r$"; "") | split(",") | select(.[2] != "" and .[2] != "NA" and .[5] != "" and .[5] != "NA" and .[6] != "" and .[6] != "NA") |
  {inputs: [{name: "island", shape: [1, 1], datatype: "BYTES", data: [.[1]]},
    {name: "beak_length_mm", shape: [1, 1], datatype: "FP64", data: [.[2] | tonumber]},
    {name: "beak_depth_mm", shape: [1, 1], datatype: "FP64", data: [.[3] | tonumber]},
    {name: "flipper_length_mm", shape: [1, 1], datatype: "FP64", data: [.[4] | tonumber]},
    {name: "body_mass_g", shape: [1, 1], datatype: "FP64", data: [.[5] | tonumber]},
    {name: "sex", shape: [1, 1], datatype: "BYTES", data: [.[6]]}]} | tojson' <(tail -n +2 "$penguins") >"$home/bodies.jsonl"
export BODIES="$home/bodies.jsonl"

# One wrk run on a deployment; prints req/s, p50, p99 and records req/s and p99 (in ms) in $home/<deployment>.
load() {
  local name=$1 target="$url/v2/models/$1/infer"
  wrk -t2 -c8 -d"${warmup}s" -s bench/wrk/post-each.lua "$target" >/dev/null
  wrk -t2 -c8 -d"${seconds}s" --latency -s bench/wrk/post-each.lua "$target" >"$home/wrk.out"
  local rps p50 p99
  rps="$(awk '/Requests\/sec/ {print $2}' "$home/wrk.out")"
  p50="$(awk '$1 == "50%" {print $2}' "$home/wrk.out")"
  p99="$(awk '$1 == "99%" {print $2}' "$home/wrk.out")"
  printf '   %-18s %9s req/s  p50 %8s  p99 %8s  %s\n' "$name" "$rps" "$p50" "$p99" \
    "$(grep -E 'Non-2xx|unexpected|Socket errors' "$home/wrk.out" | tr '\n' ' ')"
  echo "$rps $(sed -E 's/us$/ 0.001/; s/ms$/ 1/; s/s$/ 1000/' <<<"$p99" | awk '{print $1 * $2}')" >>"$home/$name"
}

echo "== OIP v2 infer, 1 row (the $(wc -l <"$BODIES") penguins in turn), 8 connections, ${seconds} s each after ${warmup} s of warm-up, $rounds rounds"
order=(penguins-plain penguins-watched penguins-large)
# The JIT and the sessions warm on all three before anything is kept.
for name in "${order[@]}"; do
  wrk -t2 -c8 -d"${warmup}s" -s bench/wrk/post-each.lua "$url/v2/models/$name/infer" >/dev/null
done
for round in $(seq 1 "$rounds"); do
  # Each round starts with another deployment, so that none always runs first or last.
  for k in 0 1 2; do
    load "${order[$(( (round + k) % 3 ))]}"
  done
done
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
plain_rps="$(cut -d' ' -f1 "$home/penguins-plain" | median)"; watched_rps="$(cut -d' ' -f1 "$home/penguins-watched" | median)"
plain_p99="$(cut -d' ' -f2 "$home/penguins-plain" | median)"; watched_p99="$(cut -d' ' -f2 "$home/penguins-watched" | median)"
large_rps="$(cut -d' ' -f1 "$home/penguins-large" | median)"; large_p99="$(cut -d' ' -f2 "$home/penguins-large" | median)"
awk -v a="$plain_rps" -v b="$watched_rps" -v c="$plain_p99" -v d="$watched_p99" -v e="$large_rps" -v f="$large_p99" 'BEGIN {
  printf "== medians: plain %.0f req/s, p99 %.2f ms\n", a, c
  printf "   monitored, windows of 1,000 requests:   %.0f req/s, p99 %.2f ms: %.1f%% of the throughput without (target >= 95%%)\n", b, d, 100 * b / a
  printf "   monitored, windows of 100,000 requests: %.0f req/s, p99 %.2f ms: %.1f%% of the throughput without (target >= 95%%)\n", e, f, 100 * e / a }'
echo "== the monitored deployments' windows during the load"
for name in penguins-watched penguins-large; do
  api "$url/api/v1/monitors/$name/windows?max_results=1000" | jq -r --arg n "$name" '"   \($n): \(.windows | length) windows closed; latest: \(.windows[0] | {window, rows, drifted_features, outlier_rate, mmd_p_value})"'
done
curl -sf "$url/metrics" | grep -E '^steward_request_log_(dropped|queued)' | sed 's/^/   /'
