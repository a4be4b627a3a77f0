#!/usr/bin/env bash
# `print-config` prints a complete, valid scenario: checking it succeeds, printing it again gives
# the same TOML and SHA-256, it lists every parameter, and --set overrides show in it.
# Usage: print_config_roundtrip.sh BUNGNER SOURCE_DIR
. "$(dirname "$0")/common.sh" "$@"

# print_config OUTFILE ARGS...: bungner print-config ARGS > OUTFILE, which must succeed.
print_config() {
  local out=$1
  shift
  "$BUNGNER" print-config "$@" >"$out" 2>"$out.err" ||
    fail "bungner print-config $* failed:"$'\n'"$(cat "$out.err")"
  [[ -s $out ]] || fail "bungner print-config $* printed nothing"
}
# The leading '#' comment lines stripped.
body() { awk 'started || !/^#/ { started = 1; print }' "$1"; }
sha_line() { grep -m1 -E '^# sha256: [0-9a-f]{64}$' "$1" || fail "$1 has no '# sha256: <64 hex digits>' line"; }

print_config "$WORK/first.txt" "$SCENARIO"
body "$WORK/first.txt" >"$WORK/resolved.toml"
[[ $(head -c1 "$WORK/resolved.toml") != "#" ]] || fail "could not strip the leading comment lines"
grep -q '^\[parameters\]' "$WORK/resolved.toml" || fail "print-config output has no [parameters] table"

# The resolved scenario is itself a valid scenario...
if ! "$BUNGNER" check "$WORK/resolved.toml" >"$WORK/check.out" 2>"$WORK/check.err"; then
  fail "bungner check on print-config's output failed:"$'\n'"$(cat "$WORK/check.err")"
fi
grep -q -F "$WORK/resolved.toml: ok" "$WORK/check.out" || fail "bungner check did not print '<file>: ok'"

# ...that resolves to itself.
print_config "$WORK/second.txt" "$WORK/resolved.toml"
body "$WORK/second.txt" >"$WORK/resolved2.toml"
if ! diff -u "$WORK/resolved.toml" "$WORK/resolved2.toml" >"$WORK/roundtrip.diff"; then
  fail "print-config of print-config's output differs:"$'\n'"$(head -n 40 "$WORK/roundtrip.diff")"
fi
[[ $(sha_line "$WORK/first.txt") == "$(sha_line "$WORK/second.txt")" ]] ||
  fail "sha256 differs: '$(sha_line "$WORK/first.txt")' vs '$(sha_line "$WORK/second.txt")'"
# The printed sha256 is that of the printed (canonical) TOML text.
printed_sha=$(sha_line "$WORK/first.txt" | awk '{ print $3 }')
actual_sha=$(sha256sum "$WORK/resolved.toml" | awk '{ print $1 }')
[[ $printed_sha == "$actual_sha" ]] ||
  fail "printed sha256 $printed_sha is not the sha256 of the printed TOML ($actual_sha)"

# Every parameter is listed, each once.
"$BUNGNER" params >"$WORK/params.txt" 2>"$WORK/params.err" || fail "bungner params failed: $(cat "$WORK/params.err")"
n_params=$(grep -c . "$WORK/params.txt")
awk '/^\[/ { inside = ($0 == "[parameters]"); next } inside && NF' "$WORK/resolved.toml" >"$WORK/param-lines.txt"
n_printed=$(wc -l <"$WORK/param-lines.txt")
((n_params > 0)) || fail "bungner params listed nothing"
[[ $n_printed == "$n_params" ]] ||
  fail "[parameters] in print-config has $n_printed lines but 'bungner params' lists $n_params parameters"
while read -r name _; do
  grep -q -F "'$name' = " "$WORK/param-lines.txt" || grep -q -E "^$name = " "$WORK/param-lines.txt" ||
    fail "parameter $name is missing from print-config's [parameters]"
done <"$WORK/params.txt"

# injury.type of a resolved scenario.
injury_type() { awk '/^\[/ { inside = ($0 == "[injury]"); next } inside && $1 == "type" { print $3 }' "$1" | tr -d "'\""; }
[[ $(injury_type "$WORK/resolved.toml") == crush ]] || fail "print-config shows injury.type '$(injury_type "$WORK/resolved.toml")', expected crush"
print_config "$WORK/transection.txt" "$SCENARIO" --set injury.type=transection
[[ $(injury_type "$WORK/transection.txt") == transection ]] ||
  fail "--set injury.type=transection: print-config shows injury.type '$(injury_type "$WORK/transection.txt")'"
[[ $(sha_line "$WORK/transection.txt") != "$(sha_line "$WORK/first.txt")" ]] || fail "--set did not change the sha256"

echo "PASS: print-config round-trips ($n_printed parameters)"
