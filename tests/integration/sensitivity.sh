#!/usr/bin/env bash
# `bungner sensitivity`: a parameter that cannot affect the readout (muscle atrophy for sensory
# neuron survival) gets exactly zero Morris mu* and zero Sobol indices, the ones that do affect
# it do not; tables are the same at 1 and 2 threads and on 2 MPI ranks; an analysis saved with
# --work resumes to the same table (issue 24), and a foreign one is refused.
. "$(dirname "$0")/common.sh" "$@"
BASE="$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml"
PARAMS=(--param "neuron_survival.death_time_constant=5..30 d" --param "neuron_survival.sensory_vulnerable_fraction=0.2..0.5"
        --param "muscle_target.atrophy_time_constant=5..20 d")
"$BUNGNER" -q sensitivity "$BASE" --method morris --trajectories 6 "${PARAMS[@]}" --readout sensory_neuron_survival \
  --at "14 d" --threads 1 --out "$WORK/morris1.csv" || fail "morris failed"
"$BUNGNER" -q sensitivity "$BASE" --method morris --trajectories 6 "${PARAMS[@]}" --readout sensory_neuron_survival \
  --at "14 d" --threads 2 --out "$WORK/morris2.csv" || fail "morris at 2 threads failed"
cmp -s "$WORK/morris1.csv" "$WORK/morris2.csv" || fail "Morris table differs between 1 and 2 threads"
"$BUNGNER" -q sensitivity "$BASE" --method sobol --samples 32 "${PARAMS[@]}" --readout sensory_neuron_survival \
  --at "14 d" --out "$WORK/sobol.csv" || fail "sobol failed"
python3 - "$WORK/morris1.csv" "$WORK/sobol.csv" <<'PY' || fail "sensitivity tables are wrong: $(cat "$WORK/morris1.csv" "$WORK/sobol.csv")"
import csv, sys
morris = {r["parameter"].split(" [")[0]: r for r in csv.DictReader(open(sys.argv[1]))}
assert float(morris["muscle_target.atrophy_time_constant"]["mu_star"]) == 0.0
assert float(morris["muscle_target.atrophy_time_constant"]["sigma"]) == 0.0
assert float(morris["neuron_survival.death_time_constant"]["mu_star"]) > 1
assert float(morris["neuron_survival.sensory_vulnerable_fraction"]["mu_star"]) > 1
# A longer time constant means slower death, so higher survival: a positive mean effect.
assert float(morris["neuron_survival.death_time_constant"]["mu"]) > 0
sobol = {r["parameter"].split(" [")[0]: r for r in csv.DictReader(open(sys.argv[2]))}
total = [k for k in next(iter(sobol.values())).keys() if k.lower().startswith("total") or k.upper().startswith("ST")][0]
assert abs(float(sobol["muscle_target.atrophy_time_constant"][total])) < 1e-12, sobol
assert float(sobol["neuron_survival.sensory_vulnerable_fraction"][total]) > 0.1
PY

# Saved runs (--work): an interrupted analysis resumes to the same table; a resume of another
# analysis and a second analysis in the same directory are refused.
MORRIS=(sensitivity "$BASE" --method morris --trajectories 6 "${PARAMS[@]}" --readout sensory_neuron_survival --at "14 d")
"$BUNGNER" -q "${MORRIS[@]}" --threads 2 --work "$WORK/saved" --out "$WORK/saved.csv" || fail "morris with --work failed"
cmp -s "$WORK/morris1.csv" "$WORK/saved.csv" || fail "--work changed the table"
[[ $(ls "$WORK/saved/runs" | wc -l) -eq 24 ]] || fail "expected 24 saved runs"
# As if killed part-way: runs 0-9 lost (a SIGKILL leaves only whole files: they are renamed).
rm -f "$WORK"/saved/runs/run000000[0-9].txt
"$BUNGNER" "${MORRIS[@]}" --threads 2 --work "$WORK/saved" --resume --out "$WORK/resumed.csv" 2>"$WORK/resumed.log" ||
  fail "resume failed: $(cat "$WORK/resumed.log")"
grep -q ", 14 saved" "$WORK/resumed.log" || fail "the resume did not use the saved runs: $(cat "$WORK/resumed.log")"
cmp -s "$WORK/morris1.csv" "$WORK/resumed.csv" || fail "the resumed analysis differs from the uninterrupted one"
expect_exit 2 "$WORK/other.err" "$BUNGNER" -q "${MORRIS[@]}" --seed 2 --work "$WORK/saved" --resume
grep -q "another analysis" "$WORK/other.err" || fail "a resume of another analysis: $(cat "$WORK/other.err")"
expect_exit 2 "$WORK/again.err" "$BUNGNER" -q "${MORRIS[@]}" --work "$WORK/saved"
grep -q "holds an analysis" "$WORK/again.err" || fail "a second analysis in the same directory: $(cat "$WORK/again.err")"

# MPI: the runs spread over 2 ranks give the same table, fresh and resumed.
if command -v mpirun >/dev/null; then
  MPIRUN=(timeout 300 mpirun --allow-run-as-root --oversubscribe -n 2)
  "${MPIRUN[@]}" "$BUNGNER" -q "${MORRIS[@]}" --threads 1 --out "$WORK/ranks.csv" >"$WORK/ranks.log" 2>&1 ||
    fail "morris on 2 ranks failed: $(cat "$WORK/ranks.log")"
  cmp -s "$WORK/morris1.csv" "$WORK/ranks.csv" || fail "the table on 2 ranks differs"
  rm -f "$WORK"/saved/runs/run00001*.txt
  "${MPIRUN[@]}" "$BUNGNER" -q "${MORRIS[@]}" --threads 1 --work "$WORK/saved" --resume --out "$WORK/ranks-resumed.csv" \
    >"$WORK/ranks-resumed.log" 2>&1 || fail "resume on 2 ranks failed: $(cat "$WORK/ranks-resumed.log")"
  cmp -s "$WORK/morris1.csv" "$WORK/ranks-resumed.csv" || fail "the table resumed on 2 ranks differs"
fi
echo "sensitivity: ok"
