#!/usr/bin/env bash
# Monitoring benchmark (bench module, MonitoringBenchmark): a window of 1,000,000 logged rows of
# five features folded through the monitoring engine's tap (entries of 10 rows and of 1 row),
# closed and evaluated, then rebuilt from the request log's segments. In process, no server.
# Builds the modules it needs into their target/ folders (nothing is installed into the local
# repository) and runs the benchmark on their classpath.
# Usage: bench/monitoring.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cp_file=bench/target/monitoring.classpath
mvn -B -q -o -Dstyle.color=never -DskipTests -pl bench -am package dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
java -Xmx2g -Dbench.dir=bench/target -cp "bench/target/classes:$(cat "$cp_file")" dev.steward.bench.Bench monitoring
