#!/usr/bin/env bash
# Serving benchmark (issue 13): single-row predictions of a penguins random forest (100 trees,
# trained through Steward's job queue and registered) with wrk on this machine, 8 connections,
# through the Open Inference Protocol, MLflow's scoring protocol and the records API of the real
# server (`steward.jar server`, its own JVM); in the same run a trivial route of the same server
# (GET /v2/health/live: the ceiling of the HTTP stack), the same model in ONNX Runtime in process
# (the floor), one connection (latency without queueing), the gain of adaptive batching at 64
# connections (the default batching against max_batch_size 1), and a minimal Flask + gunicorn
# (2 workers) + scikit-learn predict_proba app on the same forest (bench/serving_flask.py).
# Builds the distribution into target/ folders (nothing is installed into the local repository).
# Usage: bench/serving.sh          (BENCH_SECONDS, default 15, and BENCH_WARMUP, default 5, per wrk run)
#   needs wrk, curl, jq, and Debian's Flask, gunicorn, scikit-learn and pandas:
#   apt-get install -y wrk python3-flask gunicorn python3-sklearn python3-pandas
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in wrk curl jq /usr/bin/gunicorn; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (see the usage at the top of $0)" >&2; exit 1; }
done
/usr/bin/python3 -c "import flask, sklearn, pandas" || { echo "bench: Flask, scikit-learn or pandas is missing for /usr/bin/python3" >&2; exit 1; }

seconds="${BENCH_SECONDS:-15}"
warmup="${BENCH_WARMUP:-5}"
port="${BENCH_PORT:-18124}"
flask_port=$((port + 1))
cp_file=bench/target/serving.classpath
mvn -B -q -o -Dstyle.color=never -DskipTests -pl steward-cli,bench -am package dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
home="$(mktemp -d)"
java -Xmx1g -jar steward-cli/target/steward.jar --home "$home" server --port "$port" >"$home/server.log" 2>&1 &
server=$!
flask=""
trap 'kill $server ${flask:+$flask} 2>/dev/null; wait 2>/dev/null; rm -rf "$home"' EXIT
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
version="$(api -X POST "$url/api/v1/models/penguins/versions" -d "{\"run_id\": \"$run\"}")"
api -X POST "$url/api/v1/models/penguins/versions/1/promote" -d '{"environment": "production"}' >/dev/null
api -X POST "$url/api/v1/deployments" -d '{"name": "penguins-api", "model": "models:/penguins/1"}' >/dev/null
api -X POST "$url/api/v1/deployments" -d '{"name": "penguins-unbatched", "spec": {"versions": [{"model": "models:/penguins/1"}],
  "batching": {"max_batch_size": 1}}}' >/dev/null
export TOKEN; TOKEN="$(api -X POST "$url/api/v1/tokens" -d '{"name": "bench", "role": "inference"}' | jq -r .secret)"
until curl -sf "$url/v2/health/ready" >/dev/null; do sleep 0.2; done
api "$url/api/v1/artifacts/$(jq -r .manifest_sha256 <<<"$version")" >"$home/manifest.json"
api "$url/api/v1/artifacts/$(jq -r .model_digest <<<"$version")" >"$home/model.onnx"

OIP='{"inputs": [{"name": "island", "shape": [1, 1], "datatype": "BYTES", "data": ["Torgersen"]},
  {"name": "beak_length_mm", "shape": [1, 1], "datatype": "FP64", "data": [39.1]},
  {"name": "beak_depth_mm", "shape": [1, 1], "datatype": "FP64", "data": [18.7]},
  {"name": "flipper_length_mm", "shape": [1, 1], "datatype": "FP64", "data": [181]},
  {"name": "body_mass_g", "shape": [1, 1], "datatype": "FP64", "data": [3750]},
  {"name": "sex", "shape": [1, 1], "datatype": "BYTES", "data": ["MALE"]}]}'
SPLIT='{"dataframe_split": {"columns": ["island", "beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g", "sex"],
  "data": [["Torgersen", 39.1, 18.7, 181, 3750, "MALE"]]}}'
RECORDS='{"records": [{"island": "Torgersen", "beak_length_mm": 39.1, "beak_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750, "sex": "MALE"}]}'
for body in OIP SPLIT; do
  path=$([[ $body == OIP ]] && echo /v2/models/penguins-api/infer || echo /deployments/penguins-api/invocations)
  echo "   $path: $(curl -sf -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d "${!body}" "$url$path" | cut -c1-160)"
done

# One wrk run: a title, connections, the URL, the body (empty: a GET); prints req/s, p50, p99 and non-200 answers.
load() {
  local title=$1 connections=$2 target=$3 body=$4 threads=$(( $2 < 2 ? 1 : 2 ))
  local script=(); [[ -n "$body" ]] && script=(-s bench/wrk/post.lua)
  BODY="$body" wrk -t"$threads" -c"$connections" -d"${warmup}s" "${script[@]}" "$target" >/dev/null
  BODY="$body" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "${script[@]}" "$target" >"$home/wrk.out"
  printf '%-62s %9s req/s  p50 %8s  p99 %8s  %s\n' "$title" "$(awk '/Requests\/sec/ {print $2}' "$home/wrk.out")" \
    "$(awk '$1 == "50%" {print $2}' "$home/wrk.out")" "$(awk '$1 == "99%" {print $2}' "$home/wrk.out")" \
    "$(grep -E 'Non-2xx|unexpected|Socket errors' "$home/wrk.out" | tr '\n' ' ')"
}

echo "== Steward, 8 connections, ${seconds} s each after ${warmup} s of warm-up"
TOKEN="" load "trivial route GET /v2/health/live (the ceiling)" 8 "$url/v2/health/live" ""
load "OIP v2 infer, 1 row" 8 "$url/v2/models/penguins-api/infer" "$OIP"
load "MLflow /invocations (dataframe_split), 1 row" 8 "$url/deployments/penguins-api/invocations" "$SPLIT"
load "records API /predict, 1 row" 8 "$url/api/v1/deployments/penguins-api/predict" "$RECORDS"
load "OIP v2 infer, 1 row, 1 connection" 1 "$url/v2/models/penguins-api/infer" "$OIP"
echo "== adaptive batching, 64 connections"
load "OIP v2 infer, batching on (64 rows, 2 ms)" 64 "$url/v2/models/penguins-api/infer" "$OIP"
load "OIP v2 infer, batching off (max_batch_size 1)" 64 "$url/v2/models/penguins-unbatched/infer" "$OIP"
curl -sf "$url/metrics" | grep -E '^steward_serving_batch_rows_(count|sum)\{deployment="penguins-api"' | sed 's/^/   /'

kill $server; wait $server 2>/dev/null || true
echo "== the same model in ONNX Runtime, in process (no server running)"
java -Xmx512m -cp "bench/target/classes:$(cat "$cp_file")" dev.steward.bench.Bench "serving-runtime:$home/manifest.json,$home/model.onnx" \
  2>/dev/null | grep onnxruntime

echo "== Flask + gunicorn (2 workers) + scikit-learn $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)') predict_proba, same forest"
PENGUINS="$PWD/$penguins" /usr/bin/gunicorn -w 2 -b "127.0.0.1:$flask_port" --chdir bench serving_flask:app >"$home/flask.log" 2>&1 &
flask=$!
for _ in $(seq 1 120); do curl -sf -H "Content-Type: application/json" -d "$RECORDS" "http://127.0.0.1:$flask_port/predict" >/dev/null && break; sleep 0.5; done
echo "   /predict: $(curl -sf -H "Content-Type: application/json" -d "$RECORDS" "http://127.0.0.1:$flask_port/predict" | cut -c1-160)"
TOKEN="" load "Flask /predict, 1 row" 8 "http://127.0.0.1:$flask_port/predict" "$RECORDS"
