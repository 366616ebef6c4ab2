#!/usr/bin/env bash
# The whole benchmark suite in one command: runs the per-area scripts of bench/ one after another
# (never two at once: they share the machine's cores), installs the Debian packages they need when
# missing, and writes bench/results/<date>.md with the machine's details (cores, memory,
# `java -version`, load average at the start and the end, git commit) and, per area, the figures as
# the script printed them plus the ratios against the baselines the same script measured in the
# same run (pandas, scikit-learn, Flask + gunicorn, the trivial route, the unwatched deployment, the
# plain jar and the old launcher).
#
# Usage: bench/run.sh [--quick] [--only AREA[,AREA...]]
#   --quick  about 5 minutes: serving, monitoring, monitoring-serving and cli, with shorter wrk runs
#            (BENCH_SECONDS=3, BENCH_WARMUP=1, BENCH_ROUNDS=1) and cli without the old launcher;
#            the slow areas (tracking, data, training, predict, registry, request-log, ui) are skipped
#   --only   just these areas (with --quick: their quick settings, where a script has any)
# Areas, in the order they run, with their rough duration on 2 cores (the full run: about 30 min):
#   tracking (4 min), data (2), training (2), predict (3-6), registry (2), request-log (1),
#   serving (3), monitoring (1), monitoring-serving (2.5), ui (5), cli (3.5)
# BENCH_SECONDS, BENCH_WARMUP, BENCH_ROUNDS and BENCH_UI_RUNS in the environment win (e.g. BENCH_SECONDS=8 bench/run.sh --only serving).
# The data areas read ../shared/data (flights-3m.parquet, penguins.csv).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

all_areas=(tracking data training predict registry request-log serving monitoring monitoring-serving ui cli)
quick_areas=(serving monitoring monitoring-serving cli)
usage() { sed -n '/^# Usage:/,/^# The data areas/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "${1:-2}"; }

quick=false
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --only) [ $# -ge 2 ] || usage; only="$2"; shift ;;
    --only=*) only="${1#--only=}" ;;
    -h|--help) usage 0 ;;
    *) echo "bench: unknown option '$1'" >&2; usage ;;
  esac
  shift
done

areas=()
if [ -n "$only" ]; then
  IFS=, read -r -a wanted <<<"$only"
  for area in "${wanted[@]}"; do
    [[ " ${all_areas[*]} " == *" $area "* ]] || { echo "bench: unknown area '$area'; areas: ${all_areas[*]}" >&2; exit 2; }
  done
  # In the suite's order, whatever the order given.
  for area in "${all_areas[@]}"; do [[ ",$only," == *",$area,"* ]] && areas+=("$area"); done
elif $quick; then
  areas=("${quick_areas[@]}")
else
  areas=("${all_areas[@]}")
fi

# ---- Debian packages the selected areas need -------------------------------------------------
packages_of() {
  case "$1" in
    tracking) echo wrk curl ;;
    data) echo python3-pandas ;;
    training) echo python3-sklearn python3-pandas ;;
    predict) echo time ;;
    serving) echo wrk curl jq gunicorn python3-flask python3-sklearn python3-pandas ;;
    monitoring-serving) echo wrk curl jq ;;
    cli) echo hyperfine python3 ;;
  esac
}
present() {
  case "$1" in
    python3) [ -x /usr/bin/python3 ] ;;
    python3-flask) /usr/bin/python3 -c 'import flask' 2>/dev/null ;;
    python3-sklearn) /usr/bin/python3 -c 'import sklearn' 2>/dev/null ;;
    python3-pandas) /usr/bin/python3 -c 'import pandas' 2>/dev/null ;;
    gunicorn) [ -x /usr/bin/gunicorn ] ;;
    time) [ -x /usr/bin/time ] ;;
    *) command -v "$1" >/dev/null ;;
  esac
}
missing=()
for area in "${areas[@]}"; do
  for package in $(packages_of "$area"); do
    present "$package" || [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
  done
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "bench: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
    || { echo "bench: could not install ${missing[*]} (apt-get install -y ${missing[*]})" >&2; exit 1; }
fi

# ---- Settings per area ------------------------------------------------------------------------
# The full run uses the settings the figures of docs/benchmarks.md were measured with.
settings_of() {
  case "$1" in
    serving) if $quick; then echo "BENCH_SECONDS=${BENCH_SECONDS:-3} BENCH_WARMUP=${BENCH_WARMUP:-1}"
             else echo "BENCH_SECONDS=${BENCH_SECONDS:-15} BENCH_WARMUP=${BENCH_WARMUP:-5}"; fi ;;
    monitoring-serving) if $quick; then echo "BENCH_SECONDS=${BENCH_SECONDS:-3} BENCH_WARMUP=${BENCH_WARMUP:-1} BENCH_ROUNDS=${BENCH_ROUNDS:-1}"
             else echo "BENCH_SECONDS=${BENCH_SECONDS:-10} BENCH_WARMUP=${BENCH_WARMUP:-4} BENCH_ROUNDS=${BENCH_ROUNDS:-3}"; fi ;;
    ui) if $quick; then echo "BENCH_UI_RUNS=${BENCH_UI_RUNS:-20000}"; else echo "BENCH_UI_RUNS=${BENCH_UI_RUNS:-100000}"; fi ;;
  esac
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results
stamp="$(date +%F)"
results="bench/results/$stamp.md"
[ ! -e "$results" ] || results="bench/results/$stamp-$(date +%H%M%S).md"

# ---- Ratios against the baselines each script measures ----------------------------------------
# Each reads an area's log and prints Markdown bullets; a figure it cannot find is said to be missing.
ratios_data() {
  awk '
    /^pandas .* M rows\/s/ { s = $0; sub(/ M rows\/s.*/, "", s); sub(/.*= /, "", s); pandas = s }
    /^import \+ summary of .* M rows\/s/ { s = $0; sub(/ M rows\/s.*/, "", s); sub(/.*= /, "", s)
      f = $0; sub(/^import \+ summary of /, "", f); sub(/:.*/, "", f); n++; file[n] = f; rate[n] = s }
    END {
      if (pandas == "" || n == 0) { print "- ratio: pandas or Steward figure missing from the output"; exit }
      for (i = 1; i <= n; i++) printf "- Steward import + summary + profile of %s: %.2f M rows/s = **%.2f×** pandas (%.2f M rows/s; target 3×)\n", file[i], rate[i], rate[i] / pandas, pandas }' "$1"
}
ratios_training() {
  awk '
    function median_s(line) { sub(/.*median of [0-9]+: /, "", line); sub(/ s.*/, "", line); return line + 0 }
    function per_min(line) { sub(/ trials\/min.*/, "", line); sub(/.*= /, "", line); return line + 0 }
    /^random forest, 100 trees, penguins.*median of/ { forest = median_s($0) }
    /^XGBoost.*median of/ { xgb = median_s($0) }
    /^scikit-learn.*random forest.*median of/ { skforest = median_s($0) }
    /^scikit-learn: HistGradientBoosting.*median of/ { hist = median_s($0) }
    /^sweep of 12 .*trials\/min/ { sweep = per_min($0) }
    /^the same sweep with jobs.training-isolation = none.*trials\/min/ { sweepnone = per_min($0) }
    /^scikit-learn: the same 12-trial grid.*trials\/min/ { skgrid = per_min($0) }
    END {
      if (forest && skforest) printf "- random forest on penguins: Steward %.2f s, scikit-learn %.2f s: Steward **%.1f×** the time\n", forest, skforest, forest / skforest
      else print "- random forest on penguins: a figure is missing from the output"
      if (xgb && hist) printf "- gradient boosting on 800 k rows: Steward (XGBoost) %.2f s, scikit-learn (HistGradientBoosting) %.2f s: Steward **%.1f×** the time\n", xgb, hist, xgb / hist
      else print "- gradient boosting: a figure is missing from the output"
      if (sweep && skgrid) printf "- sweep of 12 trials: Steward %.0f trials/min, scikit-learn %.0f: Steward **%.2f×** the rate\n", sweep, skgrid, sweep / skgrid
      else print "- sweep: a figure is missing from the output"
      if (sweepnone && skgrid) printf "- the sweep with `jobs.training-isolation: none`: %.0f trials/min: **%.2f×** scikit-learn\n", sweepnone, sweepnone / skgrid }' "$1"
}
# wrk prints durations as 0.50ms, 77.00us or 1.20s: in milliseconds.
awk_ms='function ms(v) { if (v ~ /us$/) return v * 0.001; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v + 0 }'
ratios_serving() {
  awk "$awk_ms"'
    function field(what,   i) { for (i = 1; i <= NF; i++) if ($i == "req/s") { if (what == "rps") return $(i - 1); if (what == "p50") return $(i + 2); return $(i + 4) } }
    index($0, "trivial route") == 1 { trivial = field("rps") }
    index($0, "OIP v2 infer, 1 row ") == 1 { oip = field("rps") }
    index($0, "MLflow /invocations") == 1 { mlflow = field("rps") }
    index($0, "records API /predict") == 1 { records = field("rps") }
    index($0, "OIP v2 infer, 1 row, 1 connection") == 1 { single = ms(field("p50")) }
    index($0, "OIP v2 infer, batching on") == 1 { on = field("rps") }
    index($0, "OIP v2 infer, batching off") == 1 { off = field("rps") }
    index($0, "Flask /predict") == 1 { flask = field("rps") }
    /^onnxruntime in process, intra-op 1, .* 1 row: p50/ { s = $0; sub(/.*p50 /, "", s); sub(/ ms.*/, "", s); runtime = s + 0 }
    END {
      if (trivial && oip) printf "- OIP v2 / trivial route: %.0f / %.0f req/s = **%.0f %%** (target ≥ 50 %%)\n", oip, trivial, 100 * oip / trivial
      if (trivial && mlflow) printf "- MLflow `/invocations` / trivial route: %.0f / %.0f req/s = **%.0f %%**\n", mlflow, trivial, 100 * mlflow / trivial
      if (trivial && records) printf "- records API / trivial route: %.0f / %.0f req/s = **%.0f %%**\n", records, trivial, 100 * records / trivial
      if (flask && oip) printf "- OIP v2 / Flask + gunicorn + scikit-learn: %.0f / %.0f req/s = **%.1f×** (target ≥ 3×)\n", oip, flask, oip / flask
      if (flask && mlflow) printf "- MLflow `/invocations` / Flask: %.0f / %.0f req/s = **%.1f×**\n", mlflow, flask, mlflow / flask
      if (on && off) printf "- batching at 64 connections, on / off: %.0f / %.0f req/s = **%.2f×** (target ≥ 3×)\n", on, off, on / off
      if (single && runtime) printf "- serving overhead at 1 connection: p50 %.3f ms over HTTP − %.3f ms in ONNX Runtime = **%.3f ms** (target ≤ 0.3 ms)\n", single, runtime, single - runtime
      if (!(trivial && oip && flask && on && off && single && runtime)) print "- (some figures are missing from the output: see above)" }' "$1"
}
ratios_monitoring() {
  awk '
    /^run [0-9]+, [0-9]+-row entries: .*closes the window/ {
      what = $0; sub(/:.*/, "", what)
      close_ms = $0; sub(/.*closes the window \([^)]*\): /, "", close_ms); close_ms += 0
      eval_ms = $0; sub(/.*; evaluate /, "", eval_ms); eval_ms += 0
      printf "- %s: close %.1f ms + evaluate %.0f ms = **%.2f s** (target ≤ 2 s: %s)\n", what, close_ms, eval_ms, (close_ms + eval_ms) / 1000, (close_ms + eval_ms <= 2000 ? "met" : "missed"); found = 1 }
    END { if (!found) print "- close and evaluate: the figures are missing from the output"; print "- no baseline is measured: the figures are absolute" }' "$1"
}
ratios_monitoring-serving() {
  if grep -q "of the throughput without" "$1"; then
    grep -E "^== medians|of the throughput without" "$1" | sed 's/^== //; s/^ *//; s/^/- /'
  else
    echo "- ratio: the medians are missing from the output"
  fi
}
ratios_cli() {
  awk '
    /^== load average before measuring/ { label = ($0 ~ /yes/) ? "loaded" : "quiet" }
    /^\| command \|/ { n = split($0, head, "|"); for (i = 3; i < n; i++) { name[i] = head[i]; sub(/^ */, "", name[i]); sub(/:.*/, "", name[i]) } next }
    /^\| `steward/ {
      split($0, cell, "|"); cmd = cell[2]; gsub(/^ *| *$/, "", cmd); after = 0; before = 0; jar = 0
      for (i = 3; i < n; i++) { if (name[i] == "after") after = cell[i] + 0; if (name[i] == "before") before = cell[i] + 0; if (name[i] == "java -jar") jar = cell[i] + 0 }
      if (!after) next
      line = sprintf("- %s, %s: `./steward` %.2f s", label, cmd, after)
      if (before) line = line sprintf(", the old launcher %.2f s: **%.2f×** its time", before, after / before)
      if (jar) line = line sprintf("; `java -jar` %.2f s: %.2f×", jar, after / jar)
      print line
    }' "$1"
}
no_baseline() {
  case "$1" in
    tracking) echo "- no baseline measured in this run: MLflow 2.12's figures are issue 3's reference (200–240 req/s for log-metric, 13k–21k metrics/s for log-batch, ~16 searches/s over 2,000 runs); the targets are ≥ 5,000 req/s, ≥ 500,000 metrics/s and a search p50 ≤ 50 ms over 100,000 runs" ;;
    predict) echo "- no baseline: the figures are absolute (rows/s of \`steward predict\`)" ;;
    registry) echo "- no baseline: the targets are a p50 ≤ 20 ms for the MLflow search and both lineages" ;;
    request-log) echo "- no baseline: the figures are absolute (the writer's entries/s and the cost of \`offer\`)" ;;
    ui) echo "- no baseline: the target is under 300 ms of server time per page" ;;
  esac
}

machine_load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start="$(machine_load)"
started=$SECONDS
mode=$($quick && echo quick || echo full)
echo "bench: $mode run of ${areas[*]} (results in $results)"

failed=()
sections="$work/sections.md"
: >"$sections"
for area in "${areas[@]}"; do
  log="$work/$area.log"
  read -r -a knobs <<<"$(settings_of "$area")"
  area_load="$(machine_load)"
  area_start=$SECONDS
  commands=()
  echo
  echo "=== $area ($(date +%T), load average $area_load)"
  case "$area" in
    cli)
      if $quick; then
        commands=("bench/cli.sh")
        bench/cli.sh 2>&1 | tee "$log"; status=${PIPESTATUS[0]}
      else
        # The old launcher of docs/benchmarks.md's "before" column, built from its commit.
        before="$work/steward-before"
        mkdir -p "$before"
        if git archive 019ca41 | tar -x -C "$before" && "$before/steward" version >/dev/null 2>&1; then
          baseline=(--baseline "$before")
        else
          baseline=(); echo "bench: could not build commit 019ca41's launcher; cli runs without the 'before' column" | tee "$log"
        fi
        commands=("bench/cli.sh ${baseline[*]:+--baseline <checkout of 019ca41>}" "bench/cli.sh --load ${baseline[*]:+--baseline <checkout of 019ca41>}")
        { bench/cli.sh "${baseline[@]}" && bench/cli.sh --load "${baseline[@]}"; } 2>&1 | tee -a "$log"; status=${PIPESTATUS[0]}
      fi ;;
    *)
      commands=("${knobs[*]:+${knobs[*]} }bench/$area.sh")
      env "${knobs[@]}" bash "bench/$area.sh" 2>&1 | tee "$log"; status=${PIPESTATUS[0]}
      ;;
  esac
  seconds=$((SECONDS - area_start))
  [ "$status" -eq 0 ] || failed+=("$area")
  {
    echo "## $area"
    echo
    for command in "${commands[@]}"; do echo "Command: \`$command\`  "; done
    echo "Took $seconds s; load average $area_load at its start, $(machine_load) at its end; $([ "$status" -eq 0 ] && echo "exit status 0" || echo "**FAILED** (exit status $status)")."
    echo
    echo '```text'
    sed 's/\x1b\[[0-9;]*m//g' "$log"
    echo '```'
    echo
    echo "Against the baselines of this run:"
    echo
    if declare -F "ratios_$area" >/dev/null; then "ratios_$area" "$log"; else no_baseline "$area"; fi
    echo
  } >>"$sections"
done

total=$((SECONDS - started))
{
  echo "# Benchmark results, $(date '+%F %H:%M %Z')"
  echo
  echo "\`bench/run.sh$($quick && echo " --quick")${only:+ --only $only}\`: $mode run of ${areas[*]} in $((total / 60)) min $((total % 60)) s$([ ${#failed[@]} -eq 0 ] || echo "; **failed: ${failed[*]}**")."
  $quick && echo "Quick run: each area with its shorter settings where it has any (see its command); these figures check the harness and give a rough look, they are not the ones of docs/benchmarks.md."
  echo
  echo "## Machine"
  echo
  echo "- cores: $(nproc) ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1))"
  echo "- memory: $(awk '/^MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo)"
  echo "- system: $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- git commit: $(git rev-parse HEAD) ($(git log -1 --format=%s | cut -c1-100))$([ -z "$(git status --porcelain --untracked-files=no)" ] || echo ", with uncommitted changes")"
  echo "- load average (1, 5, 15 min) at the start: $load_start; at the end: $(machine_load)"
  echo "- \`java -version\`:"
  echo
  echo '```text'
  java -version 2>&1
  echo '```'
  echo
  cat "$sections"
} >"$results"
echo
echo "bench: wrote $results ($mode run, $((total / 60)) min $((total % 60)) s)"
[ ${#failed[@]} -eq 0 ] || { echo "bench: failed: ${failed[*]}" >&2; exit 1; }
