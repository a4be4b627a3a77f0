#!/usr/bin/env bash
# Hostile input never crashes bungner or leaves output behind: empty files, binary garbage, huge
# numbers, NaN and inf, deep nesting, very long strings, missing files, an unwritable output
# directory and a full disk each give a clear error and the documented exit code.
. "$(dirname "$0")/common.sh" "$@"

# expect CODE NAME PATTERN -- ARGS...: run bungner, require the exit code, a message matching
# PATTERN on stderr, no crash (codes >= 128), and no output directory left with files in it.
expect() {
  local code=$1 name=$2 pattern=$3
  shift 4
  set +e
  "$BUNGNER" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  local got=$?
  set -e
  [[ $got -lt 128 ]] || fail "$name: crashed with status $got: $(head -c 400 "$WORK/$name.err")"
  [[ $got -eq $code ]] || fail "$name: exit code $got, expected $code: $(head -c 400 "$WORK/$name.err")"
  grep -Eq "$pattern" "$WORK/$name.err" || fail "$name: stderr does not match /$pattern/: $(head -c 400 "$WORK/$name.err")"
}
no_outputs() {
  if [[ -d $1 ]] && find "$1" -type f ! -name '.*partial*' | grep -q .; then fail "output left in $1: $(ls -A "$1")"; fi
}

: > "$WORK/empty.toml"
expect 2 empty "missing required key 'species'" -- check "$WORK/empty.toml"
head -c 4096 /dev/urandom > "$WORK/garbage.toml"
expect 2 garbage "invalid TOML|error" -- check "$WORK/garbage.toml"
printf '\x00\x01\x02species = "rat"\n' > "$WORK/nul.toml"
expect 2 nul "invalid TOML|error" -- check "$WORK/nul.toml"
expect 2 missing "cannot open file" -- check "$WORK/does-not-exist.toml"
expect 2 directory "cannot open file|error" -- check "$WORK"

base=$(grep -v '^\[simulation\]\|^duration' "$SCENARIO")
for value in '"1e400 mm"' '"nan mm"' '"inf mm"' '"-inf mm"' '"1e308 mm"' '"0x10 mm"'; do
  printf '%s\n[injury]\ntype = "transection"\ngap_length = %s\n' "$(grep -v '^\[injury\]\|^type' "$SCENARIO")" "$value" > "$WORK/number.toml"
  expect 2 "number" "gap_length" -- check "$WORK/number.toml"
done
printf '%s\n[simulation]\nduration = nan\n' "$base" > "$WORK/bare-nan.toml"
expect 2 bare-nan "duration" -- check "$WORK/bare-nan.toml"
printf '%s\nseed = 99999999999999999999999\n' "$base" > "$WORK/huge-int.toml"
expect 2 huge-int "invalid TOML|seed" -- check "$WORK/huge-int.toml"

python3 -c "print('species = \"rat\"\nnerve = \"sciatic\"\n[injury]\ntype = \"crush\"\n[parameters]\nx = ' + '['*5000 + ']'*5000)" > "$WORK/deep.toml"
expect 2 deep "invalid TOML|error" -- check "$WORK/deep.toml"
python3 -c "print('species = \"rat\"\nnerve = \"' + 'n'*1000000 + '\"\n[injury]\ntype = \"crush\"')" > "$WORK/long.toml"
expect 2 long "no preset" -- check "$WORK/long.toml"
python3 -c "print('species = \"rat\"\nnerve = \"sciatic\"\n[injury]\ntype = \"crush\"\n' + ''.join(f'k{i} = 1\n' for i in range(20000)))" > "$WORK/many.toml"
expect 2 many "unknown key" -- check "$WORK/many.toml"

# Output locations that cannot be written.
expect 2 out-is-file "not a directory" -- run "$SCENARIO" --out "$WORK/empty.toml"
expect 2 out-under-file "cannot create directory" -- run "$SCENARIO" --out "$WORK/empty.toml/sub"
expect 2 out-in-proc "cannot create directory" -- run "$SCENARIO" --out /proc/bungner-test
# A full disk: a file-size limit makes every write fail; the run reports it (exit 3) and leaves
# no file under a final name.
set +e
(ulimit -f 8; "$BUNGNER" -q run "$SCENARIO" --out "$WORK/full" >"$WORK/full.out" 2>"$WORK/full.err")
code=$?
set -e
[[ $code -eq 3 ]] || fail "full disk: exit code $code, expected 3: $(cat "$WORK/full.err")"
grep -q "runtime failure" "$WORK/full.err" || fail "full disk: no clear message: $(cat "$WORK/full.err")"
no_outputs "$WORK/full"

# Study and design files get the same treatment.
expect 2 study-empty "missing required key 'base'" -- study "$WORK/empty.toml" --out "$WORK/s1"
no_outputs "$WORK/s1"
expect 2 study-garbage "invalid TOML|error" -- study "$WORK/garbage.toml" --out "$WORK/s2"
no_outputs "$WORK/s2"
printf 'row,axon_regeneration.speed [mm/day]\n0,abc\n' > "$WORK/design.csv"
expect 2 design-bad "design.csv" -- run "$SCENARIO" --design "$WORK/design.csv" --row 0 --out "$WORK/d1"
no_outputs "$WORK/d1"
cp "$WORK/garbage.toml" "$WORK/garbage.csv"
expect 2 design-garbage "garbage.csv" -- run "$SCENARIO" --design "$WORK/garbage.csv" --row 0 --out "$WORK/d2"
echo "hostile_input: ok"
