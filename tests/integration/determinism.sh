#!/usr/bin/env bash
# Results depend on the seed and on nothing else: not on the thread count, not on the run.
# Usage: determinism.sh BUNGNER SOURCE_DIR
. "$(dirname "$0")/common.sh" "$@"

# run NAME ARGS...: runs the default scenario into $WORK/NAME, which must then hold the outputs.
run() {
  local name=$1
  shift
  if ! "$BUNGNER" -q run "$SCENARIO" --out "$WORK/$name" "$@" >"$WORK/$name.log" 2>&1; then
    fail "bungner run $SCENARIO --out $WORK/$name $* failed:"$'\n'"$(cat "$WORK/$name.log")"
  fi
  local f
  for f in timeseries.csv readouts.csv run.json; do
    [[ -s $WORK/$name/$f ]] || fail "run '$name' ($*) did not write a non-empty $f"
  done
}

json_field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# The value column of readout NAME (all readout times) in a readouts.csv.
readout_values() { awk -F, -v name="$2" '$2 == name { print $1 "," $3 }' "$1"; }

run t1 --threads 1
run t2 --threads 2
run t2-again --threads 2
run t1-again --threads 1
run seeded --seed 12345

[[ $(json_field "$WORK/t1/run.json" threads) == 1 ]] || fail "run.json of --threads 1 does not record threads = 1"
[[ $(json_field "$WORK/t2/run.json" threads) == 2 ]] || fail "run.json of --threads 2 does not record threads = 2"
[[ $(json_field "$WORK/seeded/run.json" seed) == 12345 ]] || fail "run.json of --seed 12345 does not record seed = 12345"
default_seed=$(json_field "$WORK/t1/run.json" seed)
[[ $default_seed != 12345 ]] || fail "the default scenario's seed is already 12345; the seed test would prove nothing"

# Thread count does not matter.
for f in readouts.csv timeseries.csv; do
  cmp "$WORK/t1/$f" "$WORK/t2/$f" || fail "$f differs between --threads 1 and --threads 2 (same seed)"
done
# The same run twice gives the same bytes.
for f in readouts.csv timeseries.csv; do
  cmp "$WORK/t2/$f" "$WORK/t2-again/$f" || fail "$f differs between two identical runs (--threads 2)"
  cmp "$WORK/t1/$f" "$WORK/t1-again/$f" || fail "$f differs between two identical runs (--threads 1)"
done

# The seed does matter, and for a stochastic readout specifically.
if cmp -s "$WORK/t1/readouts.csv" "$WORK/seeded/readouts.csv"; then
  fail "readouts.csv with --seed 12345 is identical to the one with the scenario's seed $default_seed"
fi
changed=""
for name in sensory_neuron_survival leading_front regenerating_motor_axons; do
  a=$(readout_values "$WORK/t1/readouts.csv" "$name")
  b=$(readout_values "$WORK/seeded/readouts.csv" "$name")
  [[ -n $a && -n $b ]] || fail "readout $name missing from readouts.csv"
  [[ $(wc -l <<<"$a") == $(wc -l <<<"$b") ]] || fail "readout $name has a different number of rows with another seed"
  if [[ $a != "$b" ]]; then changed+=" $name"; fi
done
[[ -n $changed ]] ||
  fail "none of the stochastic readouts sensory_neuron_survival, leading_front, regenerating_motor_axons changed with the seed"
# The seed changes values, not the layout: same times and names in the same order.
diff <(cut -d, -f1,2,4 "$WORK/t1/readouts.csv") <(cut -d, -f1,2,4 "$WORK/seeded/readouts.csv") >/dev/null ||
  fail "readouts.csv with another seed has different rows (times, names or units), not just different values"

echo "PASS: identical across thread counts and repeated runs; the seed changes:$changed"
