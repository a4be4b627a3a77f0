#!/usr/bin/env bash
# `bungner check` reports every problem of a scenario at once, each with FILE:LINE:COLUMN, the
# dotted key path and (for typos) a suggestion; `bungner run` on the same file writes nothing.
# Usage: check_reports_all_errors.sh BUNGNER SOURCE_DIR
. "$(dirname "$0")/common.sh" "$@"

# Line number of the first line of FILE that starts with PREFIX.
line_of() { grep -n -F -- "$2" "$1" | head -n1 | cut -d: -f1; }

# expect_diagnostic ERRFILE FILE LINE KEY [TEXT...]: ERRFILE holds a diagnostic
# "FILE:LINE:COL: error: KEY: ..." with a numeric COL, whose message contains every TEXT.
expect_diagnostic() {
  local err=$1 file=$2 line=$3 key=$4
  shift 4
  local hit
  hit=$(grep -F -- "$file:$line:" "$err" | grep -F -- ": error: $key: " | head -n1) ||
    fail "no diagnostic '$file:$line:<col>: error: $key: ...' in stderr:"$'\n'"$(cat "$err")"
  local rest=${hit#"$file:$line:"}
  local column=${rest%%:*}
  [[ $column =~ ^[0-9]+$ ]] && ((column >= 1)) || fail "column of '$hit' is not a positive number: '$column'"
  local line_text
  line_text=$(sed -n "${line}p" "$file")
  ((column <= ${#line_text} + 1)) || fail "column $column of '$hit' is past the end of line $line ('$line_text')"
  local text
  for text in "$@"; do
    [[ $hit == *"$text"* ]] || fail "diagnostic for $key does not mention '$text': $hit"
  done
}

# --- Three errors in one file: all three are reported. ----------------------------------------
BASE="$SRC/scenarios/rat-sciatic-crush.toml"
[[ -f $BASE ]] || fail "missing $BASE"
grep -q '^type = "crush"$' "$BASE" && grep -q '^\[simulation\]$' "$BASE" ||
  fail "$BASE no longer has the 'type = \"crush\"' and [simulation] lines this test splices around"
BAD="$WORK/bad.toml"
{
  # The default scenario up to and including its [injury] table...
  sed -n '1,/^type = "crush"/p' "$BASE"
  echo 'gap_lenght = "0 mm"'
  echo
  echo '[repair.conduit]'
  echo 'inner_diameter = "2 kg"'
  echo
  echo '[[therapies]]'
  echo 'type = "acetyl_l_carnitine"'
  echo 'dose = "-5 mg/kg/day"'
  echo 'start = "0 d"'
  echo
  # ...and the rest of it.
  sed -n '/^\[simulation\]/,$p' "$BASE"
} >"$BAD"
grep -q '^\[injury\]' "$BAD" && grep -q '^\[simulation\]' "$BAD" || fail "could not build the bad scenario from $BASE"

TYPO_LINE=$(line_of "$BAD" 'gap_lenght =')
KG_LINE=$(line_of "$BAD" 'inner_diameter =')
DOSE_LINE=$(line_of "$BAD" 'dose =')

set +e
"$BUNGNER" check "$BAD" >"$WORK/check.out" 2>"$WORK/check.err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bungner check $BAD: expected exit 2, got $rc; stderr:"$'\n'"$(cat "$WORK/check.err")"
expect_diagnostic "$WORK/check.err" "$BAD" "$TYPO_LINE" injury.gap_lenght "did you mean" "gap_length"
expect_diagnostic "$WORK/check.err" "$BAD" "$KG_LINE" repair.conduit.inner_diameter "kg"
expect_diagnostic "$WORK/check.err" "$BAD" "$DOSE_LINE" "therapies[0].dose"
grep -q -F '3 errors' "$WORK/check.err" || fail "stderr does not say '3 errors':"$'\n'"$(cat "$WORK/check.err")"
grep -q -F ': ok' "$WORK/check.out" && fail "check printed 'ok' for an invalid scenario"

# `run` refuses the same file and leaves no outputs.
OUT="$WORK/out"
set +e
"$BUNGNER" -q run "$BAD" --out "$OUT" >"$WORK/run.out" 2>"$WORK/run.err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bungner run $BAD: expected exit 2, got $rc; stderr:"$'\n'"$(cat "$WORK/run.err")"
if [[ -e $OUT ]]; then
  [[ -d $OUT && -z $(ls -A "$OUT") ]] || fail "bungner run on an invalid scenario left files in $OUT: $(ls -A "$OUT")"
fi
expect_diagnostic "$WORK/run.err" "$BAD" "$TYPO_LINE" injury.gap_lenght "did you mean"

# --- A length without a unit. ----------------------------------------------------------------
NOUNIT="$WORK/nounit.toml"
printf 'species = "rat"\nnerve = "sciatic"\n\n[injury]\ntype = "transection"\ngap_length = 5\n' >"$NOUNIT"
set +e
"$BUNGNER" check "$NOUNIT" >/dev/null 2>"$WORK/nounit.err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bungner check $NOUNIT (gap_length = 5): expected exit 2, got $rc"
expect_diagnostic "$WORK/nounit.err" "$NOUNIT" 6 injury.gap_length "unit"

# --- An unknown therapy type. ----------------------------------------------------------------
THERAPY="$WORK/therapy.toml"
printf 'species = "rat"\nnerve = "sciatic"\n\n[injury]\ntype = "crush"\n\n[[therapies]]\ntype = "acetyl_carnitine"\ndose = "50 mg/kg/day"\n' >"$THERAPY"
set +e
"$BUNGNER" check "$THERAPY" >/dev/null 2>"$WORK/therapy.err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bungner check $THERAPY (unknown therapy type): expected exit 2, got $rc"
expect_diagnostic "$WORK/therapy.err" "$THERAPY" 8 "therapies[0].type" "did you mean" "acetyl_l_carnitine"

# --- A TOML syntax error. --------------------------------------------------------------------
SYNTAX="$WORK/syntax.toml"
printf 'species = "rat"\nnerve = "sciatic"\n[injury\ntype = "crush"\n' >"$SYNTAX"
set +e
"$BUNGNER" check "$SYNTAX" >/dev/null 2>"$WORK/syntax.err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bungner check $SYNTAX (TOML syntax error): expected exit 2, got $rc"
grep -q -E "^$(printf '%s' "$SYNTAX" | sed 's/[][\.*^$/]/\\&/g'):3:[0-9]+: error" "$WORK/syntax.err" ||
  fail "TOML syntax error not reported as $SYNTAX:3:<col>: error; stderr:"$'\n'"$(cat "$WORK/syntax.err")"

echo "PASS: check reports every error with file:line:column, key path and suggestions"
