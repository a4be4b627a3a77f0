#!/usr/bin/env bash
# `bungner sensitivity`: a parameter that cannot affect the readout (muscle atrophy for sensory
# neuron survival) gets exactly zero Morris mu* and zero Sobol indices, the ones that do affect
# it do not; tables are the same at 1 and 2 threads.
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
echo "sensitivity: ok"
