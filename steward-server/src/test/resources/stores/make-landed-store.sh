#!/usr/bin/env bash
# Writes the fixture of StoreMigrationTest: a store written through the MLflow API by a distribution
# of an older commit (the schema before V14), and that server's answers about it.
# Usage: make-landed-store.sh DIST OUT_DIR     (DIST holds steward.jar and lib/ of the older commit,
#   e.g. git archive 6eb1a9d | tar -x -C /tmp/old && (cd /tmp/old && mvn -B -q -o -DskipTests -pl steward-cli -am package)
#   then DIST=/tmp/old/steward-cli/target; needs curl and jq)
# OUT_DIR receives steward.db (the store, WAL folded in by the clean stop), admin.token and answers.json.
set -euo pipefail
dist="$1"; out="$2"
home="$(mktemp -d)"; port="${PORT:-18190}"; url="http://127.0.0.1:$port"
java -Xmx512m -jar "$dist/steward.jar" --home "$home" server --port "$port" >"$home/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$home"' EXIT
for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && break; sleep 0.5; done
token="$(cat "$home/admin.token")"
post() { curl -sf -H "Authorization: Bearer $token" -H "Content-Type: application/json" "$url/api/2.0/mlflow/$1" -d "$2"; }
get() { curl -sf -H "Authorization: Bearer $token" "$url/api/2.0/mlflow/$1"; }

experiment="$(post experiments/create '{"name": "landed-tracking", "tags": [{"key": "team", "value": "fraud"}]}' | jq -r .experiment_id)"
other="$(post experiments/create '{"name": "landed-other"}' | jq -r .experiment_id)"
run() { post runs/create "{\"experiment_id\": \"$1\", \"run_name\": \"$2\", \"start_time\": $3, \"tags\": [{\"key\": \"mlflow.user\", \"value\": \"alice\"}]}" | jq -r .run.info.run_id; }
active="$(run "$experiment" landed-active 1700000000000)"
finished="$(run "$experiment" landed-finished 1700000001000)"
deleted="$(run "$experiment" landed-deleted 1700000002000)"
elsewhere="$(run "$other" landed-elsewhere 1700000003000)"

for r in "$active" "$finished" "$deleted" "$elsewhere"; do
  post runs/log-parameter "{\"run_id\": \"$r\", \"key\": \"model\", \"value\": \"forest\"}" >/dev/null
  for step in 0 1 2 3 4; do
    post runs/log-metric "{\"run_id\": \"$r\", \"key\": \"loss\", \"value\": 0.$((9 - step)), \"timestamp\": $((1700000000000 + step)), \"step\": $step}" >/dev/null
  done
done
# A duplicate point, a point logged out of order, NaN and infinities, a second key.
post runs/log-metric "{\"run_id\": \"$active\", \"key\": \"loss\", \"value\": 0.5, \"timestamp\": 1700000000004, \"step\": 4}" >/dev/null
post runs/log-metric "{\"run_id\": \"$active\", \"key\": \"loss\", \"value\": 0.95, \"timestamp\": 1699999999999, \"step\": 0}" >/dev/null
post runs/log-batch "{\"run_id\": \"$active\", \"metrics\": [{\"key\": \"odd\", \"value\": \"NaN\", \"timestamp\": 1700000000010, \"step\": 0},
  {\"key\": \"odd\", \"value\": \"Infinity\", \"timestamp\": 1700000000011, \"step\": 1},
  {\"key\": \"odd\", \"value\": \"-Infinity\", \"timestamp\": 1700000000012, \"step\": 2}],
  \"params\": [{\"key\": \"depth\", \"value\": \"7\"}], \"tags\": [{\"key\": \"stage\", \"value\": \"tuning\"}]}" >/dev/null
batch="$(jq -nc --arg run "$active" '{run_id: $run, metrics: [range(0; 1000) | {key: "t_m\(. % 10)", value: (. * 0.5), timestamp: 1700000001000, step: (. / 10 | floor)}]}')"
post runs/log-batch "$batch" >/dev/null
post runs/log-inputs "{\"run_id\": \"$active\", \"datasets\": [{\"tags\": [{\"key\": \"mlflow.data.context\", \"value\": \"training\"}],
  \"dataset\": {\"name\": \"penguins\", \"digest\": \"d4e5f6a7\", \"source_type\": \"local\", \"source\": \"{\\\"uri\\\": \\\"penguins.csv\\\"}\"}}]}" >/dev/null
post runs/set-tag "{\"run_id\": \"$active\", \"key\": \"mlflow.note.content\", \"value\": \"written before V14\"}" >/dev/null
post runs/update "{\"run_id\": \"$finished\", \"status\": \"FINISHED\", \"end_time\": 1700000060000}" >/dev/null
post runs/delete "{\"run_id\": \"$deleted\"}" >/dev/null

{
  echo '{'
  echo "\"runs\": {"
  first=1
  for r in "$active" "$finished" "$deleted" "$elsewhere"; do
    [[ $first == 1 ]] || echo ','; first=0
    echo "\"$r\": {\"get\": $(get "runs/get?run_id=$r"), \"history\": {"
    keys="$(get "runs/get?run_id=$r" | jq -r '.run.data.metrics[].key' | sort -u)"
    kfirst=1
    for k in $keys; do
      [[ $kfirst == 1 ]] || echo ','; kfirst=0
      echo "\"$k\": $(get "metrics/get-history?run_id=$r&metric_key=$k")"
    done
    echo '}}'
  done
  echo '},'
  echo "\"search\": $(post runs/search "{\"experiment_ids\": [\"$experiment\", \"$other\"], \"run_view_type\": \"ALL\", \"order_by\": [\"metrics.loss ASC\"]}"),"
  echo "\"search_filtered\": $(post runs/search "{\"experiment_ids\": [\"$experiment\"], \"filter\": \"metrics.loss < 0.6 and params.model = 'forest'\"}")"
  echo '}'
} >"$home/answers.json"   # the server's own text: jq would rewrite numbers (495.0 as 495)
jq -e . "$home/answers.json" >/dev/null
kill "$server"; wait "$server" 2>/dev/null || true
mkdir -p "$out"
cp "$home/steward.db" "$home/admin.token" "$home/answers.json" "$out/"
ls -la "$out"
