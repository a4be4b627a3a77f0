#!/usr/bin/env bash
# Golden regression files, one per content item (issue 20): models/<kind>/<item>/golden/ holds a
# tiny scenario.toml that activates the item and expected.csv, the readouts and timeseries rows
# it gives. One generic driver for all items; CMake registers one ctest per item (golden.<item>).
#
#   golden.sh BUNGNER ITEM_DIR [--set KEY=VALUE]...   run the item's scenario, compare with expected.csv
#   golden.sh --regenerate BUNGNER [ITEM_DIR...]      rewrite expected.csv (all items if none named)
#   golden.sh --self-test BUNGNER ITEM_DIR            the driver must catch a changed parameter,
#                                                     a changed expected value and a missing row
#   golden.sh --coverage BUNGNER SOURCE_DIR           every registered item must have a golden scenario
#
# Comparison: the key columns (source, time_days, name, unit) must match exactly, row by row; values
# within a relative tolerance of 1e-9 (GOLDEN_RTOL), or exactly equal where not numeric.
# Exit codes: 0 match, 1 mismatch or failure, 2 usage.
set -euo pipefail

RTOL=${GOLDEN_RTOL:-1e-9}
HEADER="source,time_days,name,value,unit"

usage() {
  sed -n '2,14p' "$0" >&2
  exit 2
}

# produce BUNGNER ITEM_DIR OUT_CSV [bungner args...]: runs the item's scenario on one thread and
# writes its readouts.csv and timeseries.csv as one table to OUT_CSV.
produce() {
  local bin=$1 dir=$2 out=$3
  shift 3
  local scenario=$dir/golden/scenario.toml work
  [[ -f $scenario ]] || { echo "golden: no $scenario" >&2; return 1; }
  work=$(mktemp -d)
  if ! "$bin" -q run "$scenario" --out "$work/run" --threads 1 "$@" >"$work/log" 2>&1; then
    echo "golden: bungner run $scenario $* failed:" >&2
    cat "$work/log" >&2
    rm -rf "$work"
    return 1
  fi
  {
    echo "$HEADER"
    awk -F, 'NR > 1 { print "readouts," $1 "," $2 "," $3 "," $4 }' "$work/run/readouts.csv"
    awk -F, 'NR > 1 { print "timeseries," $1 "," $2 "," $3 "," $4 }' "$work/run/timeseries.csv"
  } >"$out"
  rm -rf "$work"
}

# compare EXPECTED GOT: prints a readable diff and returns 1 on any difference.
compare() {
  awk -F, -v rtol="$RTOL" -v expected="$1" '
    function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
    function abs(x) { return x < 0 ? -x : x }
    BEGIN { n = 0; while ((getline line < expected) > 0) { n++; want[n] = line } }
    {
      got[NR] = $0
    }
    END {
      bad = 0
      m = NR
      if (want[1] != got[1]) { print "header differs: expected \"" want[1] "\", got \"" got[1] "\""; bad++ }
      rows = n > m ? n : m
      for (i = 2; i <= rows; i++) {
        if (i > n) { print "extra row " i ": " got[i]; bad++; continue }
        if (i > m) { print "missing row " i ": " want[i]; bad++; continue }
        split(want[i], w, ","); split(got[i], g, ",")
        if (w[1] != g[1] || w[2] != g[2] || w[3] != g[3] || w[5] != g[5]) {
          print "row " i " differs in source, time, name or unit: expected \"" want[i] "\", got \"" got[i] "\""
          bad++; continue
        }
        if (w[4] == g[4]) continue
        if (isnum(w[4]) && isnum(g[4])) {
          a = w[4] + 0; b = g[4] + 0
          d = abs(a - b); s = abs(a) > abs(b) ? abs(a) : abs(b)
          rel = s > 0 ? d / s : 0
          if (rel <= rtol + 0) continue
          if (bad < 50)
            printf "%s %s at %s d: expected %s, got %s %s, relative difference %.3g\n", w[1], w[3], w[2], w[4], g[4], w[5], rel
        } else if (bad < 50) {
          printf "%s %s at %s d: expected %s, got %s %s\n", w[1], w[3], w[2], w[4], g[4], w[5]
        }
        bad++
      }
      if (bad > 0) {
        if (bad > 50) print "... (" bad " differences in all)"
        print "MISMATCH: " bad " of " (rows - 1) " rows differ (relative tolerance " rtol ")"
        exit 1
      }
    }' "$2"
}

check_item() {
  local bin=$1 dir=$2
  shift 2
  local expected=$dir/golden/expected.csv got
  [[ -f $expected ]] || { echo "golden: no $expected (run golden.sh --regenerate)" >&2; return 1; }
  got=$(mktemp)
  if ! produce "$bin" "$dir" "$got" "$@"; then rm -f "$got"; return 1; fi
  if compare "$expected" "$got"; then
    echo "golden $(basename "$dir"): $(($(wc -l <"$expected") - 1)) rows match"
    rm -f "$got"
  else
    echo "golden $(basename "$dir"): differs from $expected" \
      "(if the change is intended: tests/golden/golden.sh --regenerate BUNGNER, and explain it in the commit message)"
    rm -f "$got"
    return 1
  fi
}

[[ $# -ge 1 ]] || usage
case $1 in
  --regenerate)
    [[ $# -ge 2 ]] || usage
    bin=$2
    shift 2
    dirs=("$@")
    if [[ ${#dirs[@]} -eq 0 ]]; then
      src=$(cd "$(dirname "$0")/../.." && pwd)
      for s in "$src"/models/*/*/golden/scenario.toml; do dirs+=("$(dirname "$(dirname "$s")")"); done
    fi
    for dir in "${dirs[@]}"; do
      produce "$bin" "$dir" "$dir/golden/expected.csv"
      echo "wrote $dir/golden/expected.csv ($(($(wc -l <"$dir/golden/expected.csv") - 1)) rows)"
    done
    ;;
  --self-test)
    [[ $# -eq 3 ]] || usage
    bin=$2 dir=$3
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    check_item "$bin" "$dir" >"$work/log" 2>&1 || { cat "$work/log"; echo "FAIL: the unchanged item does not match"; exit 1; }
    # 1. A model change: one parameter set by GOLDEN_SELF_TEST_PARAMETER (NAME=VALUE with unit).
    param=${GOLDEN_SELF_TEST_PARAMETER:?set GOLDEN_SELF_TEST_PARAMETER=NAME=VALUE}
    code=0
    check_item "$bin" "$dir" --set "parameters.${param%%=*}=\"${param#*=}\"" >"$work/changed" 2>&1 || code=$?
    cat "$work/changed"
    [[ $code -ne 0 ]] || { echo "FAIL: a changed parameter ($param) passed"; exit 1; }
    grep -q '^MISMATCH' "$work/changed" || { echo "FAIL: no MISMATCH line for a changed parameter"; exit 1; }
    grep -q 'relative difference' "$work/changed" || { echo "FAIL: no value diff for a changed parameter"; exit 1; }
    # 2. One expected value changed in its 12th significant digit (above the tolerance), and
    # 3. one row removed: both must be caught, on a copy of the item folder.
    mkdir -p "$work/item/golden"
    cp "$dir/golden/scenario.toml" "$work/item/golden/"
    awk -F, -v OFS=, 'NR > 1 && !done && $4 + 0 > 1 { $4 = sprintf("%.17g", $4 * (1 + 1e-8)); done = 1 } { print }' \
      "$dir/golden/expected.csv" >"$work/item/golden/expected.csv"
    code=0
    check_item "$bin" "$work/item" >"$work/perturbed" 2>&1 || code=$?
    cat "$work/perturbed"
    [[ $code -ne 0 ]] && grep -q '^MISMATCH: 1 of' "$work/perturbed" || { echo "FAIL: a value changed by 1e-8 passed"; exit 1; }
    sed '$d' "$dir/golden/expected.csv" >"$work/item/golden/expected.csv"
    code=0
    check_item "$bin" "$work/item" >"$work/short" 2>&1 || code=$?
    cat "$work/short"
    [[ $code -ne 0 ]] && grep -q '^extra row' "$work/short" || { echo "FAIL: a missing expected row passed"; exit 1; }
    echo "self-test passed: a changed parameter, a changed value and a missing row were all caught"
    ;;
  --coverage)
    [[ $# -eq 3 ]] || usage
    bin=$2 src=$3
    missing=0 total=0
    for kind in mechanisms therapies readouts; do
      for item in $("$bin" list "$kind" | awk '/^[a-z]/ { print $1 }'); do
        total=$((total + 1))
        if [[ ! -f $src/models/$kind/$item/golden/scenario.toml || ! -f $src/models/$kind/$item/golden/expected.csv ]]; then
          echo "no golden regression for $kind/$item: add models/$kind/$item/golden/scenario.toml and run golden.sh --regenerate"
          missing=$((missing + 1))
        fi
      done
    done
    [[ $total -gt 0 ]] || { echo "FAIL: bungner list named no items"; exit 1; }
    [[ $missing -eq 0 ]] || exit 1
    echo "all $total registered items have a golden regression"
    ;;
  -*) usage ;;
  *)
    [[ $# -ge 2 ]] || usage
    check_item "$@"
    ;;
esac
