#!/usr/bin/env bash
# Request-log benchmark (bench module, RequestLogBenchmark): the cost of one force() on this disk,
# the entries per second the writer sustains under each flush policy, and what offer() costs the
# calling thread. In process, no server. Builds the modules it needs into their target/ folders
# (nothing is installed into the local repository) and runs the benchmark on their classpath.
# Usage: bench/request-log.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cp_file=bench/target/request-log.classpath
mvn -B -q -o -Dstyle.color=never -DskipTests -pl bench -am package dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
java -Xmx1g -Dbench.dir=bench/target -cp "bench/target/classes:$(cat "$cp_file")" dev.steward.bench.Bench request-log
