#!/usr/bin/env bash
# The README's test command N times in a row (default 5) with one CPU-burning process per core, as
# on a busy CI machine: every run must pass. Prints each run's status, time and load average.
# Usage: bench/loaded-suite.sh [RUNS]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-5}"
burners=()
for _ in $(seq 1 "$(nproc)"); do yes > /dev/null & burners+=($!); done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT
failed=0
for i in $(seq 1 "$runs"); do
  log="$(mktemp)"
  start=$(date +%s)
  if mvn -B verify > "$log" 2>&1; then status=passed; rm -f "$log"; else status="FAILED (log: $log)"; failed=1; fi
  echo "run $i: $status in $(( $(date +%s) - start )) s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
exit $failed
