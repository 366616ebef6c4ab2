#!/usr/bin/env bash
# Dataset import benchmark: flights-3m (Parquet, and the same rows as CSV) imported and summarised
# by Steward with a 1 GB heap, then pandas (read_csv + describe(include='all')) on the same CSV.
# Usage: bench/data.sh   (pandas: apt-get install python3-pandas; it runs with /usr/bin/python3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true -pl bench -am install >/dev/null
out="$(mktemp)"
mvn -B -q -Dstyle.color=never -pl bench exec:exec -Dbench="data:$(pwd)/../shared/data/flights-3m.parquet" -Dbench.heap=1g \
  | sed 's/\x1b\[[0-9;]*m//g' | tee "$out"
csv="$(sed -n 's/^csv for the pandas comparison: //p' "$out")"
/usr/bin/python3 - "$csv" <<'PY'
import resource, sys, time
import pandas as pd
start = time.perf_counter()
df = pd.read_csv(sys.argv[1])
summary = df.describe(include="all")
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pandas {pd.__version__}: read_csv + describe(include='all') of {len(df)} rows in {seconds:.2f} s = {len(df) / seconds / 1e6:.2f} M rows/s, max RSS {rss:.0f} MB")
PY
rm -rf "$(dirname "$csv")" "$out"
