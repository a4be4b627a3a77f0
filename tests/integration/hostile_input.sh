#!/usr/bin/env bash
# Hostile input never crashes bungner or leaves output behind: empty files, binary garbage, huge
# numbers, NaN and inf, deep nesting, very long strings, missing files, an unwritable output
# directory and a full disk each give a clear error and the documented exit code.
#
# Issue 25 (rough edges that users hit), the items this script covers, each in a section below
# marked "Issue 25, item N" or under "Issue 25, part A" (the others have unit tests, named in
# docs/reliability.md):
#   part A: 1 (`check` validates studies and validation cases; `study --dry-run` prints the plan,
#           writes nothing), 2 (a misspelt study readout is an error with file:line:column and
#           "did you mean"), 3 (readouts named by module or by observation, in scenarios and
#           studies alike), 4 (keys that have no effect - [repair.conduit] without a conduit,
#           [site] keys without the 3D site - warn), 11 (`bungner study` ends with the headline
#           table: arms x readouts, mean ± SD). Item 8, the conduit's length in the report's
#           words: tests/unit/test_input_checks.cpp.
#   part B: 5 (units: in/ft/lb/oz/mo, suggestions of the expected dimension), 6 (one RFC 4180
#           CSV reader: a study whose arm names hold commas and quotes resumes), 9 (-q/-v after
#           the subcommand, --resume [DIR] in run and study, --help with defaults, examples and
#           exit codes), 12 (progress with an ETA in log lines: study and sensitivity).
#           Items 7 and 10 and the locale half of 6: unit tests (TrialSurvival.TinyPValues...,
#           Simulation.DamagedCheckpointIsRefused, Locale.*, Text.ParseCsv...); item 9's man page,
#           completion and `make install`: cli.install.
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
  if [[ -d $1 ]] && [[ -n $(find "$1" -type f ! -name '.*partial*') ]]; then fail "output left in $1: $(ls -A "$1")"; fi
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

# ---- Issue 25, part A ----
DEFAULT_STUDY="$SRC/scenarios/studies/rat-sciatic-10mm-msc.toml"
# A short study: two arms of two rats, crushed, two weeks.
short_study() {  # short_study FILE READOUTS
  cat >"$1" <<TOML
title = "short"
base = "$SCENARIO"
subjects = 2
readouts = $2
[[arms]]
name = "crush"
set = { "simulation.duration" = "2 weeks", "readouts.times" = ["1 week", "2 weeks"] }
[[arms]]
name = "crush, fast axons"
set = { "simulation.duration" = "2 weeks", "readouts.times" = ["1 week", "2 weeks"], "parameters.axon_regeneration.speed" = "4 mm/day" }
TOML
}

# Item 1: `check` knows a study (and a validation case) and validates it fully without running it.
"$BUNGNER" check "$DEFAULT_STUDY" >"$WORK/check-study.out" 2>"$WORK/check-study.err" ||
  fail "check of the default study failed: $(cat "$WORK/check-study.err")"
grep -q "ok (study: 8 arms, 64 subjects" "$WORK/check-study.out" || fail "check did not take the study for one: $(cat "$WORK/check-study.out")"
"$BUNGNER" check "$SRC/validation/human-median-clinical-grades.toml" >"$WORK/check-case.out" 2>&1 ||
  fail "check of a validation case failed: $(cat "$WORK/check-case.out")"
grep -q "ok (validation case" "$WORK/check-case.out" || fail "check did not take the case for one: $(cat "$WORK/check-case.out")"
printf 'base = "%s"\nsubjcts = 4\n[[arms]]\nname = "a"\nset = { "injury.type" = "transecton" }\n' "$SCENARIO" >"$WORK/bad-study.toml"
expect 2 check-bad-study "bad-study.toml:2:1: error: subjcts: unknown key; did you mean 'subjects'" -- check "$WORK/bad-study.toml"
grep -q "bad-study.toml:3:1: error: arms\[0\] (a): injury.type: 'transecton' is not one of" "$WORK/check-bad-study.err" ||
  fail "check of a study: bad arm not reported: $(cat "$WORK/check-bad-study.err")"
grep -q "missing required key 'species'" "$WORK/check-bad-study.err" && fail "check read the study as a scenario"
# A validation case: its readouts and arms are checked against its study before anything runs.
printf 'study = "%s"\n[[checks]]\nevidence = "E07"\nreadout = "regeneration_frnt"\narm = "crsh"\nstatistic = "slope"\nfrom = "10 d"\nto = "40 d"\ncriterion = "tolerance"\ntolerance = 0.2\n' \
  "$SRC/validation/studies/human-median-crush.toml" >"$WORK/bad-case.toml"
expect 2 check-bad-case "bad-case.toml:4:11: error: checks.0.readout: the study .* summarises no observation 'regeneration_frnt'; did you mean 'regeneration_front'\?" \
  -- check "$WORK/bad-case.toml"
grep -q "bad-case.toml:5:7: error: checks.0.arm: the study .* has no arm 'crsh'" "$WORK/check-bad-case.err" ||
  fail "check of a case: bad arm not reported: $(cat "$WORK/check-bad-case.err")"
# --dry-run: the plan (arms, subjects, readouts), and nothing written.
(cd "$WORK" && "$BUNGNER" study "$DEFAULT_STUDY" --dry-run >"$WORK/dry.out" 2>"$WORK/dry.err") ||
  fail "study --dry-run failed: $(cat "$WORK/dry.err")"
for line in "arms: 8, 64 subjects in all" "  2. autograft (8 subjects): repair.type = autograft" \
  "varied: axon_regeneration.speed lognormal, CV 15 %" "readouts at days 7, 14, 28, 56, 84 (first arm), 8 observations:" \
  "  cmap_amplitude_ratio.gastrocnemius" "nothing was run or written (--dry-run)"; do
  grep -qF -- "$line" "$WORK/dry.out" || fail "dry run lacks '$line': $(cat "$WORK/dry.out")"
done
[[ ! -e $WORK/runs ]] || fail "study --dry-run wrote $(find "$WORK/runs")"
expect 2 dry-bad-study "subjcts: unknown key" -- study "$WORK/bad-study.toml" --dry-run --out "$WORK/dry-bad"
no_outputs "$WORK/dry-bad"

# Item 2: a misspelt readout is an error at its place, with the closest observation's name, from
# check, --dry-run and study alike; nothing is written.
short_study "$WORK/misspelt.toml" '["regenerating_motor_axons", "mune.tibialis"]'
for args in "check" "study --dry-run" "study --out $WORK/misspelt"; do
  expect 2 misspelt "misspelt.toml:4:41: error: readouts\[1\]: no observation of the arms' scenarios matches 'mune.tibialis'; did you mean 'mune.tibialis_anterior'\?" \
    -- $args "$WORK/misspelt.toml"
done
no_outputs "$WORK/misspelt"
short_study "$WORK/glob.toml" '["mune.soleus*"]'
expect 2 glob-matches-nothing "readouts\[0\]: no observation of the arms' scenarios matches 'mune.soleus\*'; did you mean" -- check "$WORK/glob.toml"

# Item 3: readouts.include takes observations (their module is taken) and modules; a study's
# readouts take modules too; a misspelt name is answered in the scheme of the closest name.
"$BUNGNER" check "$SCENARIO" --set 'readouts.include=["myelinated_fibres_distal", "neuron_counts"]' >/dev/null 2>"$WORK/include.err" ||
  fail "readouts.include with an observation name refused: $(cat "$WORK/include.err")"
expect 2 include-misspelt "readouts.include\[0\]: 'myelinated_fibres_distl' is neither a readout module nor an observation; did you mean 'myelinated_fibres_distal', an observation of the readout module 'nerve_morphometry'\?" \
  -- check "$SCENARIO" --set 'readouts.include=["myelinated_fibres_distl"]'
short_study "$WORK/module.toml" '["neuron_counts"]'
"$BUNGNER" study "$WORK/module.toml" --dry-run >"$WORK/module.out" 2>&1 || fail "a module in a study's readouts refused: $(cat "$WORK/module.out")"
grep -q "5 observations:" "$WORK/module.out" && grep -qx "  sensory_neuron_survival" "$WORK/module.out" ||
  fail "the module did not select its observations: $(cat "$WORK/module.out")"
short_study "$WORK/left-out.toml" '["mune.gastrocnemius"]'
sed -i 's|"simulation.duration" = "2 weeks", "readouts.times"|"simulation.duration" = "2 weeks", "readouts.include" = ["neuron_counts"], "readouts.times"|' "$WORK/left-out.toml"
expect 2 left-out "'mune.gastrocnemius' is an observation of the readout module 'electrophysiology', which the arms' readouts.include leaves out" \
  -- check "$WORK/left-out.toml"

# Item 4: a key that has no effect is warned about, on the terminal and in run.json.
expect 0 conduit-without-conduit "warning: repair.conduit: has no effect here: repair.type is 'autograft', not 'conduit'" \
  -- check "$SRC/scenarios/examples/rat-sciatic-conduit-10mm.toml" --set 'repair.type="autograft"'
expect 0 site-keys-without-site "warning: site.resolution: has no effect here: site.model is 'off'" \
  -- check "$SCENARIO" --set 'site.resolution="50 um"'
"$BUNGNER" -q run "$SRC/scenarios/examples/rat-sciatic-conduit-10mm.toml" --set 'repair.type="autograft"' \
  --set 'simulation.duration="1 week"' --set 'readouts.times=["1 week"]' --out "$WORK/ineffective" 2>"$WORK/ineffective.err" ||
  fail "run with an ineffective key failed: $(cat "$WORK/ineffective.err")"
grep -q "repair.conduit: has no effect here" "$WORK/ineffective.err" || fail "run did not warn on the terminal"
python3 -c 'import json, sys; w = json.load(open(sys.argv[1]))["warnings"]
assert any(d["key"] == "repair.conduit" and d["message"].startswith("has no effect here: repair.type is") and "autograft" in d["message"] for d in w), w' \
  "$WORK/ineffective/run.json" || fail "run.json lacks the warning"

# Item 11: a study ends with the headline table: one row per arm, mean ± SD at the last time.
short_study "$WORK/table.toml" '["sensory_neuron_survival", "regenerating_motor_axons", "mune.*"]'
"$BUNGNER" study "$WORK/table.toml" --out "$WORK/table" >"$WORK/table.out" 2>"$WORK/table.err" ||
  fail "short study failed: $(cat "$WORK/table.err")"
grep -q "^readouts at day 14, mean ± SD over each arm's subjects" "$WORK/table.out" || fail "no study table: $(cat "$WORK/table.out")"
grep -Eq "^  crush, fast axons +[0-9.]+ ± [0-9.]+ +[0-9.]+ ± [0-9.]+" "$WORK/table.out" || fail "no arm row with mean ± SD: $(cat "$WORK/table.out")"
grep -q "(1) sensory_neuron_survival \[%\]" "$WORK/table.out" || fail "no legend: $(cat "$WORK/table.out")"
"$BUNGNER" -q study "$WORK/table.toml" --out "$WORK/table" --force >"$WORK/table-q.out" || fail "quiet study failed"
[[ ! -s $WORK/table-q.out ]] || fail "-q still printed: $(cat "$WORK/table-q.out")"

# Issue 25, item 5: clinicians' units, and a suggestion of the dimension expected ('mN' is a
# force, nearest to "mn" by letters; a gap is a length).
gap() { printf '%s\n[injury]\ntype = "transection"\ngap_length = "%s"\n' "$(grep -v '^\[injury\]\|^type' "$SCENARIO")" "$1" > "$WORK/$2.toml"; }
gap "0.4 in" inch
"$BUNGNER" -q check "$WORK/inch.toml" >/dev/null 2>"$WORK/inch.err" || fail "\"0.4 in\" refused: $(cat "$WORK/inch.err")"
gap "4 mn" typo
expect 2 unit-typo "did you mean '(m|mm|cm|nm|in)'" -- check "$WORK/typo.toml"
grep -q "did you mean 'mN'" "$WORK/unit-typo.err" && fail "a force suggested for a length: $(cat "$WORK/unit-typo.err")"
gap "4 xylo" far
expect 2 unit-far "expected a length, e\.g\. 'm'" -- check "$WORK/far.toml"

# Issue 25, items 6 and 12: a small study whose arm names hold a comma and quotes (its
# per-subject checkpoints quote them, RFC 4180) resumes; its progress lines carry an ETA.
cat > "$WORK/comma-study.toml" <<TOML
title = "comma"
base = "$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml"
seed = 7
subjects = 2
readouts = ["motor_neuron_survival"]
[[arms]]
name = 'untreated, "control"'
[[arms]]
name = "ALCAR, 50 mg/kg/day"
set = { "therapies" = [{ type = "acetyl_l_carnitine", dose = "50 mg/kg/day" }] }
TOML
"$BUNGNER" study "$WORK/comma-study.toml" --out "$WORK/comma" --threads 1 >"$WORK/comma.out" 2>"$WORK/comma.err" \
  || fail "comma study failed: $(cat "$WORK/comma.err")"
grep -Eq "study: [0-9]+/4 subjects \([0-9]+%\), elapsed [0-9hms]+, ETA [0-9hms]+" "$WORK/comma.err" \
  || fail "no progress line with an ETA: $(cat "$WORK/comma.err")"
cp "$WORK/comma/summary.csv" "$WORK/comma-summary.csv"
rm -f "$WORK/comma/subjects/arm001-subject00001.csv"
"$BUNGNER" -q study "$WORK/comma-study.toml" --resume "$WORK/comma" --threads 1 >"$WORK/comma2.out" 2>"$WORK/comma2.err" \
  || fail "resuming a study with commas in arm names failed: $(cat "$WORK/comma2.err")"
cmp -s "$WORK/comma/summary.csv" "$WORK/comma-summary.csv" || fail "resumed comma study differs"
# Sensitivity printed nothing after its start line; now its runs have progress with an ETA.
"$BUNGNER" sensitivity "$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml" \
  --param 'neuron_survival.death_time_constant=20..40 d' --readout motor_neuron_survival --at '2 weeks' \
  --trajectories 2 --threads 1 -o "$WORK/sens.csv" >/dev/null 2>"$WORK/sens.err" || fail "sensitivity failed: $(cat "$WORK/sens.err")"
grep -Eq "sensitivity: [0-9]+/4 runs \([0-9]+%\), elapsed [0-9hms]+, ETA [0-9hms]+" "$WORK/sens.err" \
  || fail "sensitivity: no progress line with an ETA: $(cat "$WORK/sens.err")"

# Issue 25, item 9: -q and -v after the subcommand; --resume [DIR] alike in run and study;
# --help with defaults, examples and exit codes.
"$BUNGNER" check "$SCENARIO" -q >"$WORK/q-after.out" 2>"$WORK/q-after.err" || fail "-q after the subcommand refused: $(cat "$WORK/q-after.err")"
"$BUNGNER" check "$SCENARIO" --verbose >/dev/null 2>"$WORK/v-after.err" || fail "--verbose after the subcommand refused: $(cat "$WORK/v-after.err")"
"$BUNGNER" study "$WORK/comma-study.toml" --out "$WORK/comma" --resume -q >/dev/null 2>"$WORK/resume-flag.err" \
  || fail "study --resume (flag, with --out) failed: $(cat "$WORK/resume-flag.err")"
"$BUNGNER" study --resume "$WORK/comma" "$WORK/comma-study.toml" -q >/dev/null 2>"$WORK/resume-dir.err" \
  || fail "study --resume DIR STUDY failed: $(cat "$WORK/resume-dir.err")"
expect 2 resume-no-checkpoint "no checkpoint here" -- run "$SCENARIO" --resume "$WORK/comma"
expect 2 resume-default-dir "no checkpoint here" -- run "$SCENARIO" --out "$WORK/comma" --resume
expect 2 resume-two-dirs "name different directories" -- study "$WORK/comma-study.toml" --resume "$WORK/comma" --out "$WORK/other"
"$BUNGNER" --help >"$WORK/help.txt"
"$BUNGNER" study --help >"$WORK/help-study.txt"
"$BUNGNER" design --help >"$WORK/help-design.txt"
for f in help help-study help-design; do
  grep -q "^Examples:" "$WORK/$f.txt" || fail "$f: no examples"
  grep -q "^Exit status:" "$WORK/$f.txt" || grep -q "^Exit status:" "$WORK/help.txt" || fail "$f: no exit codes"
  grep -q "  2  invalid input" "$WORK/$f.txt" || fail "$f: exit code 2 not explained"
done
grep -Eq -- "--method.*lhs.*\[lhs\]|--method.*=lhs" "$WORK/help-design.txt" || fail "design --help shows no default for --method: $(cat "$WORK/help-design.txt")"

echo "hostile_input: ok"
