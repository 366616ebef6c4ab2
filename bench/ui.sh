#!/usr/bin/env bash
# Web UI benchmark: the runs page over an experiment of 100,000 runs, paged and sorted by a metric
# (bench module, UiBenchmark: a real server on the embedded SQLite store, driven over HTTP with a
# logged-in session). Target: under 300 ms of server time per page.
# Usage: bench/ui.sh        (BENCH_UI_RUNS=20000 bench/ui.sh for a quicker look)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cp="$(mktemp)"
trap 'rm -f "$cp"' EXIT
# Packaged in the reactor (nothing installed): the classpath names the modules' own jars.
mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true -pl bench -am package dependency:build-classpath -Dmdep.outputFile="$cp" \
  -Dmdep.includeScope=runtime >/dev/null
echo "== $(nproc) cores, $(java -version 2>&1 | head -1)"
java -Xmx2g -Dbench.ui.runs="${BENCH_UI_RUNS:-100000}" -cp "bench/target/classes:$(cat "$cp")" dev.steward.bench.Bench ui
