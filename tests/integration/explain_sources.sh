#!/usr/bin/env bash
# Every parameter the default scenario uses can be explained, with and without the scenario, and
# names a citation (PMID, DOI, PMC, ISBN) or says it is an assumption.
# Usage: explain_sources.sh BUNGNER SOURCE_DIR
. "$(dirname "$0")/common.sh" "$@"
"$BUNGNER" -q run "$SCENARIO" --threads 1 --out "$WORK/run" >"$WORK/run.log" 2>&1 ||
  fail "bungner run $SCENARIO failed:"$'\n'"$(cat "$WORK/run.log")"
[[ -f $WORK/run/run.json ]] || fail "the run wrote no run.json"

# name<TAB>source of every parameter in run.json, one a line.
python3 - "$WORK/run/run.json" >"$WORK/params.tsv" <<'PY'
import json, sys
parameters = json.load(open(sys.argv[1]))["parameters"]
assert isinstance(parameters, dict), "run.json 'parameters' is not an object"
for name, entry in parameters.items():
    print(f"{name}\t{entry.get('source', '')}")
PY

# The `source:` field of an explain output.
source_of() { sed -n 's/^ *source: *//p' "$1" | head -n1; }
acceptable() { grep -q -E 'PMID|doi:|10\.|PMC|ISBN|assumption' <<<"$1"; }

checked=0
while IFS=$'\t' read -r name json_source; do
  [[ -n $name ]] || continue
  for mode in default scenario; do
    args=(explain "$name")
    [[ $mode == scenario ]] && args+=(--scenario "$SCENARIO")
    set +e
    "$BUNGNER" "${args[@]}" >"$WORK/explain.out" 2>"$WORK/explain.err"
    rc=$?
    set -e
    [[ $rc -eq 0 ]] || fail "bungner ${args[*]}: expected exit 0, got $rc:"$'\n'"$(cat "$WORK/explain.err")"
    [[ $(head -n1 "$WORK/explain.out") == "$name" ]] ||
      fail "bungner ${args[*]}: the first line is not the parameter's name:"$'\n'"$(cat "$WORK/explain.out")"
    source=$(source_of "$WORK/explain.out")
    [[ -n $source ]] || fail "bungner ${args[*]}: no 'source:' line:"$'\n'"$(cat "$WORK/explain.out")"
    acceptable "$source" ||
      fail "bungner ${args[*]}: source '$source' names no PMID, doi:, 10., PMC, ISBN and is not an assumption"
    # With the scenario, explain shows the same citation as the run's provenance.
    if [[ $mode == scenario && $source != "$json_source" ]]; then
      fail "bungner ${args[*]}: source '$source' differs from run.json's '$json_source'"
    fi
  done
  checked=$((checked + 1))
done <"$WORK/params.tsv"

((checked >= 15)) || fail "only $checked parameters in run.json's 'parameters' (expected at least 15)"

# A typo is refused with a suggestion.
set +e
"$BUNGNER" explain axon_regeneration.sped >"$WORK/typo.out" 2>"$WORK/typo.err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bungner explain axon_regeneration.sped: expected exit 2, got $rc"
grep -q -F "did you mean 'axon_regeneration.speed'" "$WORK/typo.err" ||
  fail "bungner explain axon_regeneration.sped does not suggest axon_regeneration.speed; stderr:"$'\n'"$(cat "$WORK/typo.err")"

echo "PASS: $checked parameters explained with acceptable sources"
