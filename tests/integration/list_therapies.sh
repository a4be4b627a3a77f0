#!/usr/bin/env bash
# `bungner list therapies` names every therapy folder with its keys and parameters; `bungner
# explain <therapy>` describes one; a misspelt therapy gets a suggestion; every example scenario
# that uses a therapy passes `bungner check`.
# Usage: list_therapies.sh BUNGNER SOURCE_DIR
. "$(dirname "$0")/common.sh" "$@"
"$BUNGNER" list therapies >"$WORK/list.out" 2>"$WORK/list.err" ||
  fail "bungner list therapies failed:"$'\n'"$(cat "$WORK/list.err")"
count=0
for dir in "$SRC"/models/therapies/*/; do
  name=$(basename "$dir")
  grep -q -x "$name" "$WORK/list.out" || fail "bungner list therapies does not list $name"
  grep -q -F "type = \"$name\"" "$WORK/list.out" || fail "bungner list therapies shows no keys of $name"
  "$BUNGNER" explain "$name" >"$WORK/explain.out" 2>&1 || fail "bungner explain $name failed"
  [[ $(head -n1 "$WORK/explain.out") == "therapy $name" ]] ||
    fail "bungner explain $name: first line is not 'therapy $name':"$'\n'"$(cat "$WORK/explain.out")"
  grep -q "parameters:" "$WORK/explain.out" || fail "bungner explain $name lists no parameters"
  count=$((count + 1))
done
((count >= 6)) || fail "only $count therapy folders"

set +e
"$BUNGNER" explain vitamn_d >"$WORK/typo.out" 2>"$WORK/typo.err"
rc=$?
"$BUNGNER" list therapys >/dev/null 2>"$WORK/kind.err"
rc_kind=$?
set -e
[[ $rc -eq 2 ]] || fail "bungner explain vitamn_d: expected exit 2, got $rc"
grep -q -F "did you mean 'vitamin_d'" "$WORK/typo.err" || fail "no suggestion for vitamn_d:"$'\n'"$(cat "$WORK/typo.err")"
[[ $rc_kind -eq 2 ]] || fail "bungner list therapys: expected exit 2, got $rc_kind"
grep -q -F "did you mean 'therapies'" "$WORK/kind.err" || fail "no suggestion for 'therapys'"

for f in "$SRC"/scenarios/examples/*.toml; do
  grep -q "^\[\[therapies\]\]" "$f" || continue
  "$BUNGNER" check "$f" >/dev/null 2>"$WORK/check.err" || fail "bungner check $f:"$'\n'"$(cat "$WORK/check.err")"
done
echo "PASS: $count therapies listed and explained"
