#!/usr/bin/env bash
# `bungner study`: identical results at 1 and 2 threads, a killed study resumed gives the same
# summary as an uninterrupted one, summaries agree with the per-subject rows, and bad study files
# are reported with file:line:column and exit code 2.
. "$(dirname "$0")/common.sh" "$@"
STUDY="$SRC/scenarios/studies/alcar-dose-response.toml"

"$BUNGNER" -q study "$STUDY" --out "$WORK/one" --threads 1 || fail "study at 1 thread failed"
"$BUNGNER" -q study "$STUDY" --out "$WORK/two" --threads 2 || fail "study at 2 threads failed"
for f in subjects.csv summary.csv comparisons.csv summary.json; do
  cmp -s "$WORK/one/$f" "$WORK/two/$f" || fail "$f differs between 1 and 2 threads"
done

# The summary's mean for each arm, time and readout is the mean of the subjects' values.
python3 - "$WORK/one" <<'PY' || fail "summary.csv does not match subjects.csv"
import csv, sys, statistics, math
d = sys.argv[1]
groups = {}
for r in csv.DictReader(open(f"{d}/subjects.csv")):
    groups.setdefault((r["arm"], float(r["time_days"]), r["readout"]), []).append(float(r["value"]))
rows = list(csv.DictReader(open(f"{d}/summary.csv")))
assert len(rows) == len(groups), (len(rows), len(groups))
for r in rows:
    values = groups[(r["arm"], float(r["time_days"]), r["readout"])]
    assert int(r["n"]) == len(values) == 8
    assert math.isclose(float(r["mean"]), statistics.fmean(values), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(float(r["sd"]), statistics.stdev(values), rel_tol=1e-9, abs_tol=1e-12)
PY

# Interrupted: kill the study part-way (or simulate it by removing finished subjects), resume.
# Killed once it has written study.json, not after a fixed time: on a loaded machine (a fresh
# `make test` under ASan) 0.4 s was too short to get that far.
"$BUNGNER" -q study "$STUDY" --out "$WORK/killed" --threads 1 &
pid=$!
for _ in $(seq 1 1200); do
  [[ -f $WORK/killed/study.json ]] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
[[ -f $WORK/killed/study.json ]] || fail "no study.json after the kill"
done_before=$(ls "$WORK/killed/subjects" | grep -c '\.csv$' || true)
# Whatever the kill left, some subjects must still be missing for the resume to mean something.
if [[ $done_before -ge 24 ]]; then rm -f "$WORK/killed/subjects/arm001-"*; fi
out=$("$BUNGNER" study "$STUDY" --out "$WORK/killed" --resume --threads 2 2>/dev/null) || fail "resume failed"
grep -q "resumed" <<<"$out" || fail "resume did not report resumed subjects: $out"
for f in subjects.csv summary.csv comparisons.csv summary.json; do
  cmp -s "$WORK/one/$f" "$WORK/killed/$f" || fail "$f after kill and resume differs from the uninterrupted study"
done
# Resuming with a changed study is refused.
sed 's/seed = 2026/seed = 2027/' "$STUDY" > "$WORK/changed.toml"
sed -i "s|base = \"../examples/|base = \"$SRC/scenarios/examples/|" "$WORK/changed.toml"
set +e
"$BUNGNER" -q study "$WORK/changed.toml" --out "$WORK/killed" --resume 2>"$WORK/changed.err"
code=$?
set -e
[[ $code -eq 2 ]] || fail "resume with a changed study exited $code, expected 2"
grep -q "changed" "$WORK/changed.err" || fail "no explanation for the refused resume"

# Bad study files: every problem located, exit code 2.
cat > "$WORK/bad.toml" <<TOML
base = "$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml"
subjcts = 4

[[arms]]
name = "a"
set = { "injury.type" = "transecton" }

[[variability]]
parameter = "neuron_survival.death_time_constnt"
TOML
set +e
"$BUNGNER" -q study "$WORK/bad.toml" --out "$WORK/bad" 2>"$WORK/bad.err"
code=$?
set -e
[[ $code -eq 2 ]] || fail "bad study exited $code, expected 2"
grep -q "bad.toml:2:1: error: subjcts: unknown key; did you mean 'subjects'" "$WORK/bad.err" || fail "misspelt key not reported: $(cat "$WORK/bad.err")"
grep -q "bad.toml:4:1: error: arms\[0\] (a): injury.type: 'transecton' is not one of" "$WORK/bad.err" || fail "bad arm override not reported: $(cat "$WORK/bad.err")"
grep -q "did you mean 'neuron_survival.death_time_constant'" "$WORK/bad.err" || fail "unknown parameter not reported: $(cat "$WORK/bad.err")"
[[ ! -e $WORK/bad ]] || fail "a bad study wrote output"
# Common seeds (a paired design): two arms with the same overrides give identical subjects; with
# the default per-arm seeds their parameter draws differ.
for common in true false; do
  cat >"$WORK/paired-$common.toml" <<TOML
base = "$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml"
seed = 7
subjects = 3
common_seeds = $common
readouts = ["sensory_neuron_survival"]
[[arms]]
name = "a"
[[arms]]
name = "b"
[[variability]]
parameter = "neuron_survival.death_time_constant"
cv = "20 %"
TOML
  "$BUNGNER" -q study "$WORK/paired-$common.toml" --out "$WORK/paired-$common" --threads 2 || fail "common_seeds = $common failed"
done
python3 - "$WORK" <<'PY' || fail "common_seeds does not pair the arms"
import csv, sys
for common in ("true", "false"):
    rows = list(csv.DictReader(open(f"{sys.argv[1]}/paired-{common}/subjects.csv")))
    arm = lambda a: [(r["subject"], r["seed"], r["time_days"], r["value"]) for r in rows if r["arm"] == a]
    assert arm("a"), common
    assert (arm("a") == arm("b")) == (common == "true"), common
PY
echo "study: ok"
