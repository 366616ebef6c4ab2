#!/usr/bin/env bash
# CLI start-up benchmark: the median wall time of 10 runs (hyperfine, after 2 warm-up runs) of
# `steward version`, `steward --help`, and two client commands (`runs list`, `data list`) against a
# server this script starts on a temporary home (--port 0) with a dataset and a run to list.
# Measured: this checkout's launcher (./steward), this checkout's jar run plainly (java -jar: the
# code's share, without the launcher's archive and JVM options) and, with --baseline, the launcher of
# another built checkout, e.g. an older commit, in the same run.
# Usage: bench/cli.sh [--load] [--baseline DIR]
#   --load          one `yes > /dev/null` per core runs while measuring, as on a busy CI machine
#   --baseline DIR  e.g.: mkdir /tmp/before && git archive REV | tar -x -C /tmp/before && /tmp/before/steward version
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
load=false
baseline=""
while [ $# -gt 0 ]; do
  case "$1" in
    --load) load=true ;;
    --baseline) baseline="$(cd "$2" && pwd)"; shift ;;
    *) echo "usage: bench/cli.sh [--load] [--baseline DIR]" >&2; exit 2 ;;
  esac
  shift
done
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
# Build (and record the start-up archive) now, so that no measured run does.
./steward version >/dev/null
[ -z "$baseline" ] || "$baseline/steward" version >/dev/null

home="$(mktemp -d)"
results="$(mktemp -d)"
loaders=()
java -jar steward-cli/target/steward.jar --home "$home" server --port 0 >"$home/server.log" 2>&1 &
server=$!
cleanup() {
  [ ${#loaders[@]} -eq 0 ] || kill "${loaders[@]}" 2>/dev/null || true
  kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$home" "$results"
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
./steward --home "$home" data import penguins steward-cli/src/test/resources/data/penguins.csv --url "$url" >/dev/null
./steward --home "$home" run --url "$url" --name bench -- true 2>/dev/null
# The server is a fresh JVM still compiling its hot paths: without this, whatever is measured first
# (version) runs next to it and pays for it.
for _ in $(seq 1 10); do
  ./steward --home "$home" runs list --url "$url" >/dev/null
  ./steward --home "$home" data list --url "$url" >/dev/null
done

echo "== $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(java -version 2>&1 | head -1)"
echo "== load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg)$($load && echo ", plus one 'yes > /dev/null' per core")"
if $load; then
  for _ in $(seq "$(nproc)"); do
    yes >/dev/null &
    loaders+=($!)
  done
fi

variants=("after:./steward" "java -jar:java -jar steward-cli/target/steward.jar")
[ -z "$baseline" ] || variants=("before:$baseline/steward" "${variants[@]}")
commands=("version" "--help" "--home $home runs list --url $url" "--home $home data list --url $url")
for i in "${!commands[@]}"; do
  args=()
  for variant in "${variants[@]}"; do
    args+=(-n "${variant%%:*}" "${variant#*:} ${commands[$i]}")
  done
  hyperfine -N --warmup 2 --runs 10 --export-json "$results/$i.json" "${args[@]}" >/dev/null
done

python3 - "$results" "${#commands[@]}" <<'PY'
import json, sys
names = ["steward version", "steward --help", "steward runs list", "steward data list"]
rows = [json.load(open(f"{sys.argv[1]}/{i}.json"))["results"] for i in range(int(sys.argv[2]))]
variants = [r["command"] for r in rows[0]]
print("| command | " + " | ".join(f"{v}: median (min-max) s" for v in variants) + " |")
print("|---|" + "---|" * len(variants))
for name, results in zip(names, rows):
    print(f"| `{name}` | " + " | ".join(f"{r['median']:.2f} ({r['min']:.2f}-{r['max']:.2f})" for r in results) + " |")
PY
