#!/usr/bin/env bash
# The guard that the engine names no content item (engine_names.sh, issue 20) can fail: in a
# temporary copy of src/, include/ and the item folders of models/, an item's name planted in a
# comment, in a string and in a site source file is
# each reported as FILE:LINE with the item, exit 1; a new item folder is guarded at once; a name
# that is only part of an identifier (`msc_count`) is not a hit.
# Usage: engine_names_catches_planted.sh SOURCE_DIR
set -euo pipefail
SRC=${1:?usage: $0 SOURCE_DIR}
GUARD="$SRC/tests/integration/engine_names.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A fresh copy: the engine's sources and one empty folder per content item (the guard reads only
# the folder names).
fresh_copy() {
  rm -rf "$WORK/tree"
  mkdir -p "$WORK/tree"
  cp -r "$SRC/src" "$SRC/include" "$WORK/tree/"
  for dir in "$SRC"/models/{mechanisms,therapies,readouts}/*/; do
    mkdir -p "$WORK/tree/models/$(basename "$(dirname "$dir")")/$(basename "$dir")"
  done
}

# expect_caught FILE ITEM: the guard on the copy exits 1 and names FILE:LINE of ITEM's last line
# in FILE.
expect_caught() {
  local file=$1 item=$2 line code=0 log="$WORK/guard.log"
  line=$(grep -nw -- "$item" "$WORK/tree/$file" | tail -n1 | cut -d: -f1)
  [[ -n $line ]] || fail "nothing planted in $file"
  bash "$GUARD" "$WORK/tree" >"$log" 2>&1 || code=$?
  [[ $code -eq 1 ]] || fail "with '$item' planted in $file the guard exited $code, expected 1: $(cat "$log")"
  grep -qF -- "$file:$line: names the content item '$item'" "$log" ||
    fail "the guard did not report $file:$line for '$item': $(cat "$log")"
  echo "caught: $(grep -F -- "$file:$line:" "$log")"
}

fresh_copy
code=0
bash "$GUARD" "$WORK/tree" >"$WORK/clean.log" 2>&1 || code=$?
[[ $code -eq 0 ]] || fail "the guard fails on an unchanged copy (exit $code): $(cat "$WORK/clean.log")"

# A therapy in a comment of an engine source.
echo "// dosing as for vitamin_d" >>"$WORK/tree/src/core/units.cpp"
expect_caught src/core/units.cpp vitamin_d

# A readout in a string of a public header.
fresh_copy
printf '%s\n' '#pragma once' 'inline constexpr const char* planted = "electrophysiology.velocity_weight_exponent";' \
  >"$WORK/tree/include/bungner/planted.hpp"
expect_caught include/bungner/planted.hpp electrophysiology

# The 3D site's sources are guarded like the rest of the engine.
fresh_copy
echo "// rejection as under cyclosporine" >>"$WORK/tree/src/site/site.cpp"
expect_caught src/site/site.cpp cyclosporine

# A new item's folder is guarded without changing the guard.
fresh_copy
mkdir -p "$WORK/tree/models/therapies/planted_drug"
echo "// planted_drug" >>"$WORK/tree/src/model/simulation.cpp"
expect_caught src/model/simulation.cpp planted_drug

# Part of an identifier is not the item's name.
fresh_copy
echo "constexpr int msc_count_planted = 0;  // an msc_count, not the item" >>"$WORK/tree/src/core/units.cpp"
code=0
bash "$GUARD" "$WORK/tree" >"$WORK/identifier.log" 2>&1 || code=$?
[[ $code -eq 0 ]] || fail "the guard reported part of an identifier (exit $code): $(cat "$WORK/identifier.log")"

echo "engine_names_catches_planted: ok"
