#!/usr/bin/env bash
# Batch-scoring benchmark: `steward predict` on the 3 M rows of flights-3m (Parquet, and the same rows
# as CSV and JSON Lines) through an XGBoost classifier (late = delay over 15 minutes, from distance,
# origin and destination, one-hot) trained through the job queue on a seeded random sample of 100,000
# rows, registered and promoted to production; each run in a JVM with -Xmx1g (the launcher, as a user
# runs it), timed end to end (resolving the model, downloading its package, reading, scoring, writing).
# Reported per run: rows/s, wall time, peak RSS (GNU time), the Java heap in use at its peak (before a
# collection) and the most still live after one (GC log), and the load average when the run began.
# Usage: bench/predict.sh [DATA_DIR]   (default ../shared/data; needs /usr/bin/time)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
data="$(cd "${1:-../shared/data}" && pwd)"
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
# Build (and record the start-up archive) now, so that no measured run does.
./steward version >/dev/null

home="$(mktemp -d)"
work="$(mktemp -d)"
java -jar steward-cli/target/steward.jar --home "$home" server --port 0 >"$home/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$home" "$work"
}
trap cleanup EXIT
url=""
for _ in $(seq 1 240); do
  url="$(sed -n 's/.* listening on \(http:[^ ]*\) .*/\1/p' "$home/server.log")"
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$home/server.log" >&2; exit 1; }
  sleep 0.25
done
[ -n "$url" ] || { echo "bench: the server did not start within 60 s" >&2; exit 1; }
steward() { ./steward --home "$home" "$@" --url "$url"; }

java -cp "steward-cli/target/lib/*" bench/src/main/java/dev/steward/bench/PredictFiles.java "$data/flights-3m.parquet" "$work"
steward data import flights-sample "$work/flights-sample.csv" >/dev/null
cat >"$work/flights.yaml" <<'YAML'
experiment: flights
dataset: {name: flights-sample, version: 1}
target: status
task: binary_classification
features: [distance, origin, destination]
preprocessing:
  - {step: one_hot, columns: [origin, destination], handle_unknown: ignore}
split: {holdout: 0.2, stratify: false}
seed: 42
algorithm:
  name: xgboost
  hyperparameters: {n_trees: 100, max_depth: 6, learning_rate: 0.3}
YAML
start=$SECONDS
trained="$(steward train "$work/flights.yaml" --wait)"
run="$(sed -n 's/.*(run \([0-9a-f]*\)).*/\1/p' <<<"$trained" | head -n 1)"
[ -n "$run" ] || { echo "bench: training failed: $trained" >&2; exit 1; }
steward models register flights --run "$run" >/dev/null
steward models promote flights/1 --to production >/dev/null
echo "trained and registered flights version 1 (XGBoost, 100 trees of depth 6, 80,000 training rows) in $((SECONDS - start)) s"
java -version 2>&1 | head -n 1
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# The heap in use: the largest before and the largest after the GC log's pauses ("150M->9M(1024M)").
heap() {
  grep -o '[0-9]*M->[0-9]*M' "$1" | awk -F'M->' '{ if ($1 > b) b = $1; if ($2 + 0 > a) a = $2 + 0 } END { print b "/" a }'
}

printf '%-40s %9s %8s %8s %14s %6s\n' "run" "rows/s" "wall s" "RSS MB" "heap peak/live" "load"
measure() {
  local label="$1" heap="$2" input="$3" output="$4"
  shift 4
  local out="$work/predict.out" timing="$work/time.txt" gc="$work/gc.log" load
  rm -f "$output" "$gc"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  STEWARD_JAVA_OPTS="-Xmx$heap -Xlog:gc:file=$gc" /usr/bin/time -v -o "$timing" \
    ./steward --home "$home" predict --model models:/flights@production --input "$input" --output "$output" --url "$url" "$@" >"$out"
  local rows seconds rss
  rows="$(sed -n 's/^predicted \([0-9]*\) rows.*/\1/p' "$out")"
  seconds="$(sed -n 's/.* in \([0-9.]*\) s (.*/\1/p' "$out")"
  rss="$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$timing") / 1024 ))"
  printf '%-40s %9s %8s %8s %14s %6s\n' "$label" "$(awk -v r="$rows" -v s="$seconds" 'BEGIN { printf "%.0f", r / s }')" "$seconds" "$rss" \
    "$(heap "$gc")" "$load"
}
for i in 1 2 3; do
  measure "parquet -> parquet ($i)" 1g "$data/flights-3m.parquet" "$work/out.parquet"
done
measure "parquet -> parquet, -Xmx128m" 128m "$data/flights-3m.parquet" "$work/out.parquet"
measure "parquet -> parquet, --only-predictions" 1g "$data/flights-3m.parquet" "$work/out.parquet" --only-predictions
measure "parquet -> csv" 1g "$data/flights-3m.parquet" "$work/out.csv"
measure "csv -> csv" 1g "$work/flights-3m.csv" "$work/out.csv"
measure "jsonl -> jsonl" 1g "$work/flights-3m.jsonl" "$work/out.jsonl"
echo
echo "the last run said:"
sed 's/^/  /' "$work/predict.out"
