#!/usr/bin/env bash
# The workbench (`bungner serve`, issue 26) end to end in Debian's Chromium driven by
# playwright-core (web/workbench-browser-test.mjs): add a key from the schema, edit a dose, see the
# check's message for a bad unit, run a short study and watch its progress and its plot update
# while it runs, step the 3D viewer through time and save a time-lapse, run a one-entry validation
# and a tiny calibration, see the validation's observed-against-simulated plot with one point per
# check of its scorecard.csv that has both numbers, and open their reports. Screenshots are kept in $BUNGNER_SCREENSHOT_DIR (build/release/screenshots).
. "$(dirname "$0")/common.sh" "$@"
SHOTS=${BUNGNER_SCREENSHOT_DIR:-$WORK/shots}
mkdir -p "$SHOTS" "$WORK/workspace/scenarios"
cp "$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml" "$WORK/workspace/scenarios/base.toml"
cat >"$WORK/workspace/scenarios/dose-study.toml" <<'TOML'
# A short study for the browser test: two arms, long enough (a few seconds) that its plot is seen
# redrawn from the subjects done while it runs.
title = "ALCAR dose, workbench test"
base = "base.toml"
seed = 7
subjects = 24
readouts = ["sensory_neuron_survival"]

[[arms]]
name = "untreated"

[[arms]]
name = "ALCAR"
set = { therapies = [{ type = "acetyl_l_carnitine", dose = "50 mg/kg/day" }] }
TOML
# A tiny calibration (docs/calibration-abc.md): three particles, two generations, one entry.
cat >"$WORK/workspace/scenarios/tiny-calibration.toml" <<TOML
seed = 7
particles = 3
cases = "$SRC/validation"
evidence = "$SRC/data/evidence/evidence.csv"
[stop]
max_generations = 2
[[parameters]]
name = "neuron_survival.death_time_constant"
prior = "log_uniform"
low = "5 d"
high = "40 d"
[[fit]]
entry = "E25"
TOML
# The "add a key" logic with node alone, against the schema this build writes.
"$BUNGNER" schema --json >"$WORK/schema.json" || fail "bungner schema --json"
node "$SRC/web/workbench-keys-test.mjs" "$WORK/schema.json" || fail "workbench keys (web/workbench-keys-test.mjs)"
# A 3D run of three days with two snapshots, for the viewer (its axons stay small so early).
"$BUNGNER" -q run "$SRC/scenarios/examples/rat-sciatic-conduit-10mm-3d.toml" --out "$WORK/workspace/runs/site3d" \
  --set 'simulation.duration="3 d"' --set 'readouts.times=["1 d", "3 d"]' 2>"$WORK/run.err" ||
  fail "3D run failed: $(cat "$WORK/run.err")"
# A 1D run of the base scenario, to overlay on the 3D run's plots.
"$BUNGNER" -q run "$WORK/workspace/scenarios/base.toml" --out "$WORK/workspace/runs/base" 2>"$WORK/run.err" ||
  fail "base run failed: $(cat "$WORK/run.err")"
node "$SRC/web/workbench-browser-test.mjs" "$BUNGNER" "$WORK/workspace" "$SHOTS" || fail "workbench in the browser"
