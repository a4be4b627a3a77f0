#!/usr/bin/env bash
# In-silico trials (`bungner study` with a [trial] table): identical outputs at 1 and 2 threads and
# on 2 MPI ranks, a resumed trial equals an uninterrupted one, the per-patient file agrees with
# the design (block balance, dropout censoring) and with the Kaplan-Meier curves and log-rank test
# recomputed here with scipy; under parameter uncertainty each draw's results follow from its
# subjects; phase 1 and 2 designs; a mistyped endpoint is reported (exit 2).
. "$(dirname "$0")/common.sh" "$@"
PY=/usr/bin/python3
make_trial() {  # make_trial FILE PHASE PATIENTS [extra [trial] lines]
  cat >"$1" <<TOML
title = "small trial"
base = "$SRC/scenarios/examples/human-median-suture.toml"
seed = 11
[trial]
phase = $2
patients = $3
block_size = 4
accrual_per_month = 8
dropout_per_month = "8 %"
endpoint = "mrc_motor_grade.abductor_pollicis_brevis"
threshold = 1
horizon = "5 months"
assessment_interval = "1 month"
replicates = 40
${4:-}
[[arms]]
name = "suture"
dlt_probability = 0.0
[[arms]]
name = "suture + ALCAR"
dlt_probability = 0.0
set = { therapies = [{ type = "acetyl_l_carnitine", dose = "50 mg/kg/day", start = "0 d" }] }
[[variability]]
parameter = "axon_regeneration.speed"
cv = "30 %"
TOML
}
make_trial "$WORK/trial.toml" 3 12
OUTS="subjects.csv summary.csv patients.csv km.csv trial_summary.csv trial.json"
"$BUNGNER" -q study "$WORK/trial.toml" --out "$WORK/one" --threads 1 || fail "trial at 1 thread failed"
"$BUNGNER" -q study "$WORK/trial.toml" --out "$WORK/two" --threads 2 || fail "trial at 2 threads failed"
for f in $OUTS; do cmp -s "$WORK/one/$f" "$WORK/two/$f" || fail "$f differs between 1 and 2 threads"; done
if command -v mpirun >/dev/null; then
  timeout 300 mpirun --allow-run-as-root --oversubscribe -n 2 "$BUNGNER" -q study "$WORK/trial.toml" --out "$WORK/ranks" \
    --threads 1 >"$WORK/ranks.log" 2>&1 || { cat "$WORK/ranks.log"; fail "trial on 2 ranks failed"; }
  for f in $OUTS; do cmp -s "$WORK/one/$f" "$WORK/ranks/$f" || fail "$f on 2 ranks differs from the threaded run"; done
fi
# Resume: a trial that lost some finished patients gives the same outputs.
cp -r "$WORK/one" "$WORK/resumed"
rm -f "$WORK/resumed/subjects/arm001-"* "$WORK/resumed/trial.json" "$WORK/resumed/patients.csv"
"$BUNGNER" -q study "$WORK/trial.toml" --out "$WORK/resumed" --resume --threads 2 || fail "resume failed"
for f in $OUTS; do cmp -s "$WORK/one/$f" "$WORK/resumed/$f" || fail "$f after resume differs"; done

$PY - "$WORK/one" <<'PY' || fail "trial outputs are inconsistent"
import csv, json, math, sys
from scipy import stats
d = sys.argv[1]
patients = list(csv.DictReader(open(f"{d}/patients.csv")))
assert len(patients) == 12, len(patients)
horizon = 5 * 365.25 / 12
arms = ["suture", "suture + ALCAR"]
# Permuted blocks of 4 with 1:1 allocation: every block of 4 holds 2 of each arm.
for b in range(0, 12, 4):
    assert sum(p["arm"] == arms[0] for p in patients[b:b + 4]) == 2, b
for p in patients:
    follow = float(p["dropout_day"]) - float(p["enrolment_day"])
    event = p["event"] == "1"
    t = float(p["time_to_recovery_days"])
    if event:
        assert p["censoring"] == "none" and t <= min(follow, horizon) + 1e-6
    else:
        assert p["censoring"] == ("dropout" if follow < horizon else "end"), p
        assert math.isclose(t, min(follow, horizon), rel_tol=1e-9), p
    assert (p["responder"] == "NA") == (follow < horizon), p
assert sorted(float(p["enrolment_day"]) for p in patients) == [float(p["enrolment_day"]) for p in patients]
# Kaplan-Meier of each arm recomputed from the patients.
km = list(csv.DictReader(open(f"{d}/km.csv")))
groups = {a: [(float(p["time_to_recovery_days"]), p["event"] == "1") for p in patients if p["arm"] == a] for a in arms}
for a in arms:
    s = 1.0
    rows = [r for r in km if r["arm"] == a]
    times = sorted(set(t for t, _ in groups[a]))
    assert [float(r["time_days"]) for r in rows] == times, (rows, times)
    for r, t in zip(rows, times):
        n = sum(1 for u, _ in groups[a] if u >= t)
        e = sum(1 for u, x in groups[a] if u == t and x)
        s *= 1 - e / n
        assert int(r["at_risk"]) == n and int(r["events"]) == e, r
        assert math.isclose(float(r["not_recovered"]), s, rel_tol=1e-12, abs_tol=1e-15), (r, s)
# Log-rank recomputed with scipy's chi-square distribution.
O = E = V = 0.0
a_pts, b_pts = groups[arms[1]], groups[arms[0]]
for t in sorted(set(u for u, x in a_pts + b_pts if x)):
    na = sum(1 for u, _ in a_pts if u >= t); nb = sum(1 for u, _ in b_pts if u >= t); n = na + nb
    da = sum(1 for u, x in a_pts if u == t and x); dd = da + sum(1 for u, x in b_pts if u == t and x)
    O += da; E += dd * na / n
    if n > 1: V += dd * (na / n) * (1 - na / n) * (n - dd) / (n - 1)
summary = {r["arm"]: r for r in csv.DictReader(open(f"{d}/trial_summary.csv"))}
if V > 0:
    p = stats.chi2.sf((O - E) ** 2 / V, 1)
    assert math.isclose(float(summary[arms[1]]["logrank_p"]), p, rel_tol=1e-9), (summary[arms[1]]["logrank_p"], p)
for a in arms:
    assert int(summary[a]["n"]) == len(groups[a])
    assert int(summary[a]["events"]) == sum(x for _, x in groups[a])
j = json.load(open(f"{d}/trial.json"))
assert j["phase"] == 3 and j["patients"] == 12 and len(j["arms"]) == 2
sim = j["arms"][1]["power_logrank_simulated"]
assert sim == "nan" or 0 <= sim <= 1
PY

# Phase 1: 3+3 with certain toxicity at the second dose stops there; phase 2 selects a dose.
make_trial "$WORK/phase1.toml" 1 0
sed -i '0,/dlt_probability = 0.0/! s/dlt_probability = 0.0/dlt_probability = 1.0/' "$WORK/phase1.toml"
"$BUNGNER" -q study "$WORK/phase1.toml" --out "$WORK/phase1" --threads 2 || fail "phase 1 trial failed"
$PY -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert j['maximum_tolerated_dose'] == 'suture', j
assert [c['patients'] for c in j['cohorts']] == [3, 3] and j['cohorts'][1]['toxicities'] == 3, j['cohorts']
" "$WORK/phase1/trial.json" || fail "phase 1 escalation is wrong"
make_trial "$WORK/phase2.toml" 2 8
"$BUNGNER" -q study "$WORK/phase2.toml" --out "$WORK/phase2" --threads 2 || fail "phase 2 trial failed"
grep -q '"selected_dose": "suture + ALCAR"' "$WORK/phase2/trial.json" || fail "phase 2 selected no dose"

# Parameter uncertainty: the trial is analysed once per parameter set with the same design; draw
# k's patients are subjects k*n..k*n+n-1 of their arm; draw 0 gives the usual tables; the
# summary's ranges are the quantiles of the per-draw results; the thread count changes nothing.
printf 'particle,weight,distance,axon_regeneration.speed\n0,1,0,0.8\n1,1,0,1.6\n' >"$WORK/speeds.csv"
for t in 1 2; do
  "$BUNGNER" -q study "$WORK/trial.toml" --out "$WORK/u$t" --threads $t --uncertainty 3 --uncertainty-from "$WORK/speeds.csv" ||
    fail "trial with parameter uncertainty at $t threads failed"
done
for f in $OUTS trial_draws.csv draws.csv; do cmp -s "$WORK/u1/$f" "$WORK/u2/$f" || fail "$f under uncertainty differs between 1 and 2 threads"; done
$PY - "$WORK/u1" <<'PY' || fail "the trial's per-draw results are inconsistent"
import csv, json, math, sys
d = sys.argv[1]
def q7(values, p):
    v = sorted(values); h = (len(v) - 1) * p; lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])
horizon = 5 * 365.25 / 12
patients = list(csv.DictReader(open(f"{d}/patients.csv")))
n = {a: sum(p["arm"] == a for p in patients) for a in ("suture", "suture + ALCAR")}
at_horizon = {}
for r in csv.DictReader(open(f"{d}/subjects.csv")):
    if float(r["time_days"]) <= horizon + 1e-6:
        at_horizon[(r["arm"], int(r["subject"]))] = float(r["value"])  # the last visit up to the horizon
    assert int(r["draw"]) == int(r["subject"]) // n[r["arm"]], r
rows = list(csv.DictReader(open(f"{d}/trial_draws.csv")))
assert len(rows) == 3 * 2, len(rows)
first = {r["arm"]: r for r in csv.DictReader(open(f"{d}/trial_summary.csv"))}
proportions = {}
for r in rows:
    k, a = int(r["draw"]), r["arm"]
    if k == 0:
        for key in ("proportion", "median_days", "hazard_ratio", "logrank_p"):
            assert r[key] == first[a][key], (key, r, first[a])
    done = [p for p in patients if p["arm"] == a and float(p["dropout_day"]) - float(p["enrolment_day"]) >= horizon]
    responders = sum(at_horizon[(a, k * n[a] + int(p["subject"]))] >= 1 for p in done)
    assert math.isclose(float(r["proportion"]), responders / len(done), rel_tol=1e-12), (r, responders, len(done))
    proportions.setdefault(a, []).append(float(r["proportion"]))
u = json.load(open(f"{d}/trial.json"))["uncertainty"]
assert u["draws"] == 3
for arm in u["arms"]:
    v = proportions[arm["name"]]
    for key, p in (("low", 0.05), ("median", 0.5), ("high", 0.95)):
        assert math.isclose(arm["proportion"][key], q7(v, p), rel_tol=1e-12), (arm, v)
treated = u["arms"][1]
assert 0 <= treated["assurance_logrank"] <= 1 and 0 <= treated["assurance_proportion"] <= 1, treated
assert "assurance_logrank" not in u["arms"][0]
PY

# A mistyped endpoint: file:line:column, did you mean, exit 2, nothing written.
make_trial "$WORK/typo.toml" 3 12
sed -i 's/endpoint = "mrc_motor_grade.abductor_pollicis_brevis"/endpoint = "mrc_motor_grade.abductor_pollicis_brevi"/' "$WORK/typo.toml"
expect_exit 2 "$WORK/typo.err" "$BUNGNER" -q study "$WORK/typo.toml" --out "$WORK/typo"
grep -q "typo.toml:[0-9]*:[0-9]*" "$WORK/typo.err" || fail "no file:line:column: $(cat "$WORK/typo.err")"
grep -q "did you mean 'mrc_motor_grade.abductor_pollicis_brevis'" "$WORK/typo.err" || fail "no suggestion: $(cat "$WORK/typo.err")"
[[ ! -e $WORK/typo/trial.json ]] || fail "a rejected trial wrote outputs"
echo "trial: ok"
