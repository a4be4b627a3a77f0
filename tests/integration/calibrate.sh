#!/usr/bin/env bash
# `bungner calibrate` (issue 19, docs/calibration-abc.md): a tiny ABC-SMC run through a validation
# case writes posterior.csv (weights summing to 1, parameters inside their priors' bounds) and
# generations.csv, byte-identical at 1 and 2 threads; a test entry in the file is refused with
# file:line:column, its name and exit code 2, and nothing is written.
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
"$BUNGNER" -q calibrate "$WORK/tiny.toml" --out "$WORK/two" --threads 2 || fail "calibrate failed at 2 threads"
for f in posterior.csv generations.csv; do
  [[ -f $WORK/one/$f ]] || fail "no $f"
  cmp -s "$WORK/one/$f" "$WORK/two/$f" || fail "$f differs between 1 and 2 threads"
done
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

# A test entry may never be fitted to: refused by name, exit code 2, nothing written.
sed 's/entry = "E25"/entry = "E10"/' "$WORK/tiny.toml" >"$WORK/test-entry.toml"
expect_exit 2 "$WORK/err" "$BUNGNER" -q calibrate "$WORK/test-entry.toml" --out "$WORK/refused"
grep -q "test-entry.toml:13:9: error: fit.0.entry: E10 is a test entry" "$WORK/err" || fail "test entry not reported: $(cat "$WORK/err")"
[[ ! -e $WORK/refused ]] || fail "a refused calibration wrote $WORK/refused"
echo "calibrate: ok"
