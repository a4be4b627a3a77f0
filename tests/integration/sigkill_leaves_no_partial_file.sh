#!/usr/bin/env bash
# A run killed with SIGKILL at any moment leaves no incomplete file under a final name: outputs are
# written to ".<name>.partial-<pid>" and renamed when complete, in the order timeseries.csv,
# readouts.csv, run.json (and --force removes run.json first). A later --force run cleans up.
# Usage: sigkill_leaves_no_partial_file.sh BUNGNER SOURCE_DIR
set -euo pipefail
BUNGNER=${1:?usage: $0 BUNGNER SOURCE_DIR}
SRC=${2:?usage: $0 BUNGNER SOURCE_DIR}
WORK=$(mktemp -d)
child=""
cleanup() {
  if [[ -n $child ]]; then kill -9 "$child" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

SCENARIO="$SRC/scenarios/examples/human-median-suture.toml"
[[ -f $SCENARIO ]] || fail "missing $SCENARIO"
# A run long enough to be killed mid-way (about 2 s): half a simulated year, hourly rows. One
# thread: on a busy 2-core machine extra OpenMP threads make the run many times slower.
DURATION_DAYS=182.625
ARGS=(-q run "$SCENARIO" --threads 1 --set 'simulation.duration="6 months"' --set 'readouts.times=["3 months", "6 months"]'
      --set 'output.timeseries_interval="1 h"')
TS_HEADER="time_days,variable,value,unit"
RO_HEADER="time_days,readout,value,unit"
ms() { date +%s%3N; }
START=$(ms)

# Reference run, timed. Runs are deterministic, so every complete file must equal its reference.
t0=$(ms)
"$BUNGNER" "${ARGS[@]}" --out "$WORK/reference" >"$WORK/reference.log" 2>&1 ||
  fail "reference run failed:"$'\n'"$(cat "$WORK/reference.log")"
RUN_MS=$(($(ms) - t0))
REF="$WORK/reference"
for f in timeseries.csv readouts.csv run.json; do [[ -s $REF/$f ]] || fail "reference run wrote no $f"; done
echo "reference run took ${RUN_MS} ms"
((RUN_MS >= 300)) || echo "warning: the run takes only ${RUN_MS} ms; most kills will land after it finished" >&2

# check_csv FILE HEADER [LAST_TIME]: header right, ends with a newline, last line has 4 fields.
check_csv() {
  local file=$1 header=$2 last_time=${3:-}
  [[ $(head -n1 "$file") == "$header" ]] || fail "$file: header is '$(head -n1 "$file")', expected '$header'"
  [[ $(tail -c1 "$file" | od -An -c | tr -d ' ') == '\n' ]] || fail "$file does not end with a newline (truncated)"
  local last
  last=$(tail -n1 "$file")
  [[ $(awk -F, '{ print NF }' <<<"$last") == 4 ]] || fail "$file: last line '$last' does not have 4 fields"
  if [[ -n $last_time ]]; then
    [[ ${last%%,*} == "$last_time" ]] || fail "$file: last time is ${last%%,*}, expected $last_time (the duration)"
  fi
}

check_ref_sha=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["scenario_sha256"])' "$REF/run.json")
check_csv "$REF/timeseries.csv" "$TS_HEADER" "$DURATION_DAYS"
check_csv "$REF/readouts.csv" "$RO_HEADER"

# check_directory DIR PID: what a killed run left is either complete or a named temporary.
check_directory() {
  local dir=$1 pid=$2 name
  [[ -d $dir ]] || return 0
  for path in "$dir"/* "$dir"/.[!.]*; do
    [[ -e $path ]] || continue
    name=$(basename "$path")
    case $name in
      timeseries.csv | readouts.csv | run.json) ;;
      report.html) [[ -e $dir/run.json ]] || fail "report.html without run.json in $dir (the report comes last)" ;;
      .timeseries.csv.partial-* | .readouts.csv.partial-* | .run.json.partial-* | .report.html.partial-*)
        [[ ${name##*.partial-} =~ ^[0-9]+$ ]] || fail "temporary $name does not end in a process id" ;;
      *) fail "unexpected file '$name' in $dir after killing pid $pid" ;;
    esac
  done
  if [[ -e $dir/timeseries.csv ]]; then
    check_csv "$dir/timeseries.csv" "$TS_HEADER" "$DURATION_DAYS"
    cmp -s "$dir/timeseries.csv" "$REF/timeseries.csv" || fail "timeseries.csv after kill differs from a complete run's"
  fi
  if [[ -e $dir/readouts.csv ]]; then
    check_csv "$dir/readouts.csv" "$RO_HEADER"
    cmp -s "$dir/readouts.csv" "$REF/readouts.csv" || fail "readouts.csv after kill differs from a complete run's"
  fi
  if [[ -e $dir/run.json ]]; then
    python3 - "$dir/run.json" "$check_ref_sha" <<'PY' || fail "run.json after kill of pid $pid is incomplete or wrong"
import json, sys
run = json.load(open(sys.argv[1]))
assert "end_time" in run, "no end_time"
assert run["scenario_sha256"] == sys.argv[2], "scenario_sha256 differs from the reference run"
assert run["outputs"] == ["timeseries.csv", "readouts.csv", "run.json"], run["outputs"]
PY
    # run.json is renamed last (and removed first): with it, both CSVs must be there.
    [[ -e $dir/timeseries.csv && -e $dir/readouts.csv ]] ||
      fail "run.json exists without timeseries.csv and readouts.csv after kill of pid $pid"
  fi
}

OUT="$WORK/out"
KILLS=8
killed_mid_run=0
runs=0
for ((i = 0; i < KILLS; i++)); do
  # Stratified delays over 0..110% of the run time, so early, middle and late kills all happen.
  delay=$(awk -v i="$i" -v n="$KILLS" -v t="$RUN_MS" -v r="$RANDOM" 'BEGIN { printf "%.3f", (i + r / 32768) / n * 1.1 * t / 1000 }')
  "$BUNGNER" "${ARGS[@]}" --out "$OUT" --force >"$WORK/kill-$i.log" 2>&1 &
  child=$!
  sleep "$delay"
  runs=$((runs + 1))
  kill -9 "$child" 2>/dev/null || true
  status=0
  wait "$child" 2>/dev/null || status=$?
  # 128 + 9: the kill landed before the run exited on its own.
  if ((status == 137)); then
    killed_mid_run=$((killed_mid_run + 1))
  elif ((status != 0)); then
    fail "run $i exited with status $status before it was killed:"$'\n'"$(cat "$WORK/kill-$i.log")"
  fi
  check_directory "$OUT" "$child"
  child=""
  # Keep the whole test bounded.
  (($(ms) - START < 45000)) || break
done
echo "killed $killed_mid_run of $runs runs before they finished"
((killed_mid_run >= 1)) || fail "no run was killed before it finished; the test proved nothing"

# A --force run afterwards completes and removes the leftovers.
"$BUNGNER" "${ARGS[@]}" --out "$OUT" --force >"$WORK/final.log" 2>&1 ||
  fail "--force run after the kills failed:"$'\n'"$(cat "$WORK/final.log")"
leftover=$(ls -A "$OUT" | grep -v -x -e timeseries.csv -e readouts.csv -e run.json -e report.html || true)
[[ -z $leftover ]] || fail "--force run left other files in $OUT: $leftover"
for f in timeseries.csv readouts.csv run.json report.html; do [[ -f $OUT/$f ]] || fail "final run did not write $f"; done
check_directory "$OUT" final
cmp -s "$OUT/timeseries.csv" "$REF/timeseries.csv" || fail "final timeseries.csv differs from the reference"

echo "PASS: no incomplete file under a final name after $runs SIGKILLs ($(($(ms) - START)) ms)"
