#!/usr/bin/env bash
# Registry benchmark: 10,000 registered models x 10 versions in the embedded SQLite store of a real
# server; p50/p90/p99 of a LIKE search (native and MLflow routes), a version search by run id and
# lineage queries in both directions, over HTTP from one client (bench module, RegistryBenchmark).
# Usage: bench/registry.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true -pl bench -am install >/dev/null
mvn -B -q -Dstyle.color=never -pl bench exec:exec -Dbench=registry | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^\s*$'
