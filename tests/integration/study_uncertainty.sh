#!/usr/bin/env bash
# Parameter uncertainty in studies and validation (docs/uncertainty.md): a posterior of one
# particle at the declared values changes nothing; draws from a two-particle posterior reach the
# subjects of their draw; the predictive intervals are the quantiles of the per-draw means; the
# result does not depend on the thread count; a resume with other draws is refused; bad input
# exits 2 with file:line:column; a single run under uncertainty repeats itself per draw; validate
# reports coverage_90 and sharpness.
. "$(dirname "$0")/common.sh" "$@"
BASE="$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml"
study_file() {  # study_file FILE [UNCERTAINTY TABLE...]
  local file=$1
  shift
  cat >"$file" <<TOML
title = "uncertainty"
base = "$BASE"
seed = 77
subjects = 3
readouts = ["sensory_neuron_survival"]
[[arms]]
name = "untreated"
[[arms]]
name = "ALCAR"
set = { "therapies" = [{ type = "acetyl_l_carnitine", dose = "2 mg/kg/day" }] }
TOML
  printf '%s\n' "$@" >>"$file"
}

# 1. One particle at the declared values, one draw: the same subjects as without uncertainty.
defaults=$("$BUNGNER" params 'neuron_survival.sensory_vulnerable_fraction' | awk '$1 == "neuron_survival.sensory_vulnerable_fraction" {print $2}')
printf 'particle,weight,distance,neuron_survival.sensory_vulnerable_fraction\n0,1,0,%s\n' "$defaults" >"$WORK/one.csv"
study_file "$WORK/plain.toml"
study_file "$WORK/one.toml" '[uncertainty]' 'draws = 1' "posterior = \"$WORK/one.csv\""
"$BUNGNER" -q study "$WORK/plain.toml" --out "$WORK/plain" --threads 2 || fail "plain study failed"
"$BUNGNER" -q study "$WORK/one.toml" --out "$WORK/one" --threads 2 || fail "study with one draw failed"
cut -d, -f1-7 "$WORK/one/subjects.csv" | cmp -s - "$WORK/plain/subjects.csv" ||
  fail "a posterior at the declared values changed the subjects"

# 2. Two particles far apart: each draw's subjects carry their particle's value.
printf 'particle,weight,distance,neuron_survival.sensory_vulnerable_fraction\n0,1,0,0.15\n1,1,0,0.55\n' >"$WORK/two.csv"
study_file "$WORK/two.toml" '[uncertainty]' 'draws = 8' "posterior = \"$WORK/two.csv\""
"$BUNGNER" -q study "$WORK/two.toml" --out "$WORK/t1" --threads 1 || fail "study with draws at 1 thread failed"
"$BUNGNER" -q study "$WORK/two.toml" --out "$WORK/t2" --threads 2 || fail "study with draws at 2 threads failed"
for f in subjects.csv summary.csv comparisons.csv summary.json draws.csv; do
  cmp -s "$WORK/t1/$f" "$WORK/t2/$f" || fail "$f differs between 1 and 2 threads under uncertainty"
done
python3 - "$WORK/t1" <<'PY' || fail "draws, subjects and predictive intervals disagree"
import csv, math, statistics, sys
d = sys.argv[1]
def q7(values, p):  # quantile type 7
    v = sorted(values); h = (len(v) - 1) * p; lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])
draws = {int(r["draw"]): float(r["neuron_survival.sensory_vulnerable_fraction"]) for r in csv.DictReader(open(f"{d}/draws.csv"))}
assert sorted(draws) == list(range(8)), draws
assert set(draws.values()) == {0.15, 0.55}, draws
per = {}
pooled = {}
for r in csv.DictReader(open(f"{d}/subjects.csv")):
    assert int(r["draw"]) == int(r["subject"]) // 3, r
    key = (r["arm"], float(r["time_days"]))
    per.setdefault(key, {}).setdefault(int(r["draw"]), []).append(float(r["value"]))
    pooled.setdefault(key, []).append(float(r["value"]))
# The untreated arm at 60 d: every draw of the vulnerable 0.55 loses more neurons than every draw of 0.15.
last = max(t for a, t in per if a == "untreated")
means = {k: statistics.fmean(v) for k, v in per[("untreated", last)].items()}
high = [m for k, m in means.items() if draws[k] == 0.55]
low = [m for k, m in means.items() if draws[k] == 0.15]
assert high and low and max(high) < min(low), (high, low)
for r in csv.DictReader(open(f"{d}/summary.csv")):
    key = (r["arm"], float(r["time_days"]))
    m = [statistics.fmean(per[key][k]) for k in sorted(per[key])]
    assert int(r["n"]) == 24 and int(r["draws"]) == 8, r
    for name, want in (("predictive_low", q7(m, 0.05)), ("predictive_high", q7(m, 0.95)),
                       ("subject_low", q7(pooled[key], 0.05)), ("subject_high", q7(pooled[key], 0.95))):
        assert math.isclose(float(r[name]), want, rel_tol=1e-12, abs_tol=1e-12), (name, r[name], want)
for r in csv.DictReader(open(f"{d}/comparisons.csv")):
    a = per[(r["arm_a"], float(r["time_days"]))]; b = per[(r["arm_b"], float(r["time_days"]))]
    diff = [statistics.fmean(a[k]) - statistics.fmean(b[k]) for k in sorted(a)]
    assert math.isclose(float(r["difference_low"]), q7(diff, 0.05), rel_tol=1e-12, abs_tol=1e-12), r
    assert math.isclose(float(r["share_of_draws_a_greater"]), sum(x > 0 for x in diff) / len(diff)), r
PY

grep -q '"predictive_low"' "$WORK/t1/report.html" || fail "the report plots no predictive band"
grep -q 'predictive 95 %' "$WORK/t1/report.html" || fail "the report's summary table has no predictive interval"

# 3. Other draws on the command line: a new study, so a resume of the old directory is refused.
expect_exit 2 "$WORK/resume.err" "$BUNGNER" -q study "$WORK/two.toml" --out "$WORK/t1" --resume --uncertainty 4
grep -q "changed" "$WORK/resume.err" || fail "no explanation for the refused resume: $(cat "$WORK/resume.err")"
"$BUNGNER" -q study "$WORK/two.toml" --out "$WORK/t4" --uncertainty 4 --threads 2 || fail "--uncertainty 4 failed"
[[ $(tail -n +2 "$WORK/t4/draws.csv" | wc -l) -eq 4 ]] || fail "--uncertainty 4 did not draw 4 sets"

# 4. Bad input: exit 2, file:line:column, a suggestion; nothing written.
study_file "$WORK/bad.toml" '[uncertainty]' 'draws = 2' '[[uncertainty.parameters]]' 'name = "neuron_survival.sensory_vulnerable_fractoin"'
expect_exit 2 "$WORK/bad.err" "$BUNGNER" -q study "$WORK/bad.toml" --out "$WORK/bad"
grep -q "bad.toml:14:8" "$WORK/bad.err" || fail "no file:line:column: $(cat "$WORK/bad.err")"
grep -q "did you mean 'neuron_survival.sensory_vulnerable_fraction'" "$WORK/bad.err" || fail "no suggestion: $(cat "$WORK/bad.err")"
[[ ! -e $WORK/bad ]] || fail "a refused study wrote its directory"
study_file "$WORK/wide.toml" '[uncertainty]' 'draws = 2' '[[uncertainty.parameters]]' \
  'name = "neuron_survival.sensory_vulnerable_fraction"' 'low = "0.5"' 'high = "1.5"'
expect_exit 2 "$WORK/wide.err" "$BUNGNER" -q study "$WORK/wide.toml" --out "$WORK/wide"
grep -q "hard range" "$WORK/wide.err" || fail "a prior beyond the hard range was not refused: $(cat "$WORK/wide.err")"
expect_exit 2 "$WORK/none.err" "$BUNGNER" -q study "$WORK/plain.toml" --out "$WORK/none" --uncertainty 3
grep -q "uncertainty-from" "$WORK/none.err" || fail "--uncertainty without a source: $(cat "$WORK/none.err")"
printf 'particle,weight,distance,no_such.parameter\n0,1,0,1\n' >"$WORK/badpost.csv"
expect_exit 2 "$WORK/badpost.err" "$BUNGNER" -q study "$WORK/plain.toml" --out "$WORK/bp" --uncertainty 2 --uncertainty-from "$WORK/badpost.csv"
grep -q "badpost.csv:1:26" "$WORK/badpost.err" || fail "posterior problem not located: $(cat "$WORK/badpost.err")"

# 5. A single run (run --uncertainty): the main run is as without it; DIR/uncertainty/ holds the
# scenario once per draw at the run's own seed, so a posterior at the declared values repeats the
# run exactly, and the predictive interval is the range of the draws' values.
"$BUNGNER" -q run "$BASE" --out "$WORK/run" || fail "plain run failed"
"$BUNGNER" -q run "$BASE" --out "$WORK/run1" --uncertainty 2 --uncertainty-from "$WORK/one.csv" || fail "run --uncertainty failed"
cmp -s "$WORK/run/readouts.csv" "$WORK/run1/readouts.csv" || fail "run --uncertainty changed the run itself"
"$BUNGNER" -q run "$BASE" --out "$WORK/run8" --uncertainty 8 --uncertainty-from "$WORK/two.csv" --threads 2 ||
  fail "run --uncertainty with two particles failed"
python3 - "$WORK/run" "$WORK/run1/uncertainty" "$WORK/run8/uncertainty" <<'PY' || fail "run --uncertainty is inconsistent"
import csv, math, sys
def q7(values, p):
    v = sorted(values); h = (len(v) - 1) * p; lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])
run = {(float(r["time_days"]), r["readout"]): float(r["value"]) for r in csv.DictReader(open(f"{sys.argv[1]}/readouts.csv"))}
same = [r for r in csv.DictReader(open(f"{sys.argv[2]}/subjects.csv"))]
assert len(same) == 2 * len(run), (len(same), len(run))
for r in same:
    want = run[(float(r["time_days"]), r["readout"])]
    assert float(r["value"]) == want or (math.isnan(want) and r["value"] == "nan"), (r, want)
d = sys.argv[3]
draws = {int(r["draw"]): float(r["neuron_survival.sensory_vulnerable_fraction"]) for r in csv.DictReader(open(f"{d}/draws.csv"))}
values = {}
for r in csv.DictReader(open(f"{d}/subjects.csv")):
    values.setdefault((float(r["time_days"]), r["readout"]), {})[int(r["draw"])] = float(r["value"])
last = max(t for t, name in values if name == "sensory_neuron_survival")
at = values[(last, "sensory_neuron_survival")]
assert max(v for k, v in at.items() if draws[k] == 0.55) < min(v for k, v in at.items() if draws[k] == 0.15), at
for r in csv.DictReader(open(f"{d}/summary.csv")):
    v = [values[(float(r["time_days"]), r["readout"])][k] for k in range(8)]
    for name, p in (("predictive_low", 0.05), ("predictive_high", 0.95)):
        assert math.isclose(float(r[name]), q7(v, p), rel_tol=1e-12, abs_tol=1e-12), (name, r, v)
PY
expect_exit 2 "$WORK/runbad.err" "$BUNGNER" -q run "$BASE" --out "$WORK/runbad" --uncertainty 2 --uncertainty-from "$WORK/badpost.csv"
[[ ! -e $WORK/runbad ]] || fail "run --uncertainty with a bad source wrote its directory"

# 6. Validation: predictive intervals per check and their coverage.
"$BUNGNER" -q validate --filter 'E25*' --uncertainty 3 --uncertainty-from "$WORK/two.csv" --json --out "$WORK/val" \
  --threads 2 >"$WORK/val.json" || fail "validate --uncertainty failed"
python3 - "$WORK/val" "$WORK/val.json" <<'PY' || fail "scorecard coverage wrong"
import csv, json, sys
totals = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
rows = [r for r in csv.DictReader(open(f"{sys.argv[1]}/scorecard.csv")) if r["predictive_low"]]
assert rows, "no predictive interval in the scorecard"
fit = [r for r in rows if r["split"] == "fit"]
for r in rows:
    assert float(r["predictive_low"]) <= float(r["predictive_high"]), r
    observed = float(r["observed"].split()[0])
    assert (r["inside_90"] == "yes") == (float(r["predictive_low"]) <= observed <= float(r["predictive_high"])), r
assert totals["fit_coverage_checks"] == len(fit), totals
assert abs(totals["fit_coverage_90"] - sum(r["inside_90"] == "yes" for r in fit) / len(fit)) < 1e-9, totals
assert "coverage_90" in totals and "sharpness" in totals, totals
PY
echo "ok"
