#!/usr/bin/env bash
# `bungner calibrate` (issue 19, docs/calibration-abc.md): a tiny ABC-SMC run through a validation
# case writes posterior.csv (weights summing to 1, parameters inside their priors' bounds) and
# generations.csv, byte-identical at 1 and 2 threads and after a kill and --resume; a test entry
# in the file is refused with file:line:column, its name and exit code 2, and nothing is written;
# `bungner check` reports the same.
. "$(dirname "$0")/common.sh" "$@"

cat >"$WORK/tiny.toml" <<TOML
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
"$BUNGNER" -q calibrate "$WORK/tiny.toml" --out "$WORK/one" --threads 1 || fail "calibrate failed at 1 thread"
for f in posterior.csv generations.csv; do [[ -f $WORK/one/$f ]] || fail "no $f"; done
[[ ! -e $WORK/one/work ]] || fail "the proposals' study folders were left behind"
python3 - "$WORK/one" <<'PY' || fail "bad calibration outputs"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/posterior.csv")))
assert len(rows) == 3, rows
assert abs(sum(float(r["weight"]) for r in rows) - 1) < 1e-12, rows
for r in rows:
    assert 5 <= float(r["neuron_survival.death_time_constant"]) <= 40, r
    assert float(r["distance"]) >= 0, r
gens = list(csv.DictReader(open(sys.argv[1] + "/generations.csv")))
assert [g["generation"] for g in gens] == ["0", "1"], gens
assert gens[0]["tolerance"] == "inf" and math.isfinite(float(gens[1]["tolerance"])), gens
assert all(float(g["ess"]) > 0 for g in gens), gens
PY

# At 2 threads, killed after its first generation and resumed (--resume), a calibration gives the
# result of the uninterrupted run at 1 thread; without --resume or --force the directory with a
# checkpoint is refused (exit 2).
"$BUNGNER" -q calibrate "$WORK/tiny.toml" --out "$WORK/killed" --threads 2 &
pid=$!
for _ in $(seq 1 600); do
  [[ -f $WORK/killed/checkpoint.csv ]] && break
  sleep 0.1
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[[ -f $WORK/killed/checkpoint.csv ]] || fail "no checkpoint after a generation"
expect_exit 2 "$WORK/err" "$BUNGNER" -q calibrate "$WORK/tiny.toml" --out "$WORK/killed"
grep -q "holds a calibration's checkpoint" "$WORK/err" || fail "an existing checkpoint was not reported: $(cat "$WORK/err")"
"$BUNGNER" -q calibrate "$WORK/tiny.toml" --out "$WORK/killed" --resume --threads 2 || fail "resume failed"
for f in posterior.csv generations.csv; do
  cmp -s "$WORK/one/$f" "$WORK/killed/$f" || fail "$f differs between 1 thread and 2 threads with a kill and --resume"
done
ls -a "$WORK/killed" | grep -q partial && fail "a partial file was left in $WORK/killed"
# A changed calibration file does not resume from another's checkpoint.
sed 's/seed = 7/seed = 8/' "$WORK/tiny.toml" >"$WORK/changed.toml"
cp -r "$WORK/killed" "$WORK/changed"
expect_exit 2 "$WORK/err" "$BUNGNER" -q calibrate "$WORK/changed.toml" --out "$WORK/changed" --resume
grep -q "not a checkpoint of this calibration" "$WORK/err" || fail "a foreign checkpoint was accepted: $(cat "$WORK/err")"

# A test entry may never be fitted to: refused by name, exit code 2, nothing written.
sed 's/entry = "E25"/entry = "E10"/' "$WORK/tiny.toml" >"$WORK/test-entry.toml"
expect_exit 2 "$WORK/err" "$BUNGNER" -q calibrate "$WORK/test-entry.toml" --out "$WORK/refused"
grep -q "test-entry.toml:13:9: error: fit.0.entry: E10 is a test entry" "$WORK/err" || fail "test entry not reported: $(cat "$WORK/err")"
[[ ! -e $WORK/refused ]] || fail "a refused calibration wrote $WORK/refused"
# `bungner check` reads a calibration file as calibrate does (the workbench's check is the same).
"$BUNGNER" check "$WORK/tiny.toml" | grep -q "ok (calibration: 1 parameter, 1 fit entry, 3 particles)" ||
  fail "check of a calibration file: $("$BUNGNER" check "$WORK/tiny.toml" 2>&1)"
expect_exit 2 "$WORK/err" "$BUNGNER" check "$WORK/test-entry.toml"
grep -q "test-entry.toml:13:9: error: fit.0.entry: E10 is a test entry" "$WORK/err" || fail "check of a test entry: $(cat "$WORK/err")"
echo "calibrate: ok"
