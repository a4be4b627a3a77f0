#!/usr/bin/env bash
# `bungner calibrate` under MPI (issue 19, docs/calibration-abc.md): with a generation's slots
# shared by 2 ranks, posterior.csv, generations.csv, calibration.json and report.html are
# byte-identical to those of 1 rank; a 2-rank run killed after its first generation resumes under
# 2 ranks to the same files. calibration.json's marginals are the weighted ones of posterior.csv,
# and report.html has one histogram per parameter and one scatter plot per pair.
. "$(dirname "$0")/common.sh" "$@"
command -v mpirun >/dev/null || fail "mpirun not found (scripts/install-deps installs openmpi-bin)"
MPIRUN=(timeout 300 mpirun --allow-run-as-root --oversubscribe)

cat >"$WORK/tiny.toml" <<TOML
title = "calibrate_mpi"
seed = 11
particles = 4
cases = "$SRC/validation"
evidence = "$SRC/data/evidence/evidence.csv"
[stop]
max_generations = 3
[[parameters]]
name = "neuron_survival.sensory_vulnerable_fraction"
[[parameters]]
name = "neuron_survival.death_time_constant"
prior = "log_uniform"
low = "5 d"
high = "40 d"
[[fit]]
entry = "E25"
TOML
OUTPUTS="posterior.csv generations.csv calibration.json report.html"
for n in 1 2; do
  "${MPIRUN[@]}" -n $n "$BUNGNER" -q calibrate "$WORK/tiny.toml" --out "$WORK/ranks$n" --threads 1 >"$WORK/ranks$n.log" 2>&1 ||
    { cat "$WORK/ranks$n.log"; fail "calibrate on $n ranks failed"; }
  for f in $OUTPUTS; do [[ -f $WORK/ranks$n/$f ]] || fail "no $f on $n ranks"; done
  [[ ! -e $WORK/ranks$n/work ]] || fail "the proposals' study folders were left behind on $n ranks"
done
for f in $OUTPUTS; do
  cmp -s "$WORK/ranks1/$f" "$WORK/ranks2/$f" || fail "$f on 2 ranks differs from 1 rank"
done

python3 - "$WORK/ranks1" <<'PY' || fail "calibration.json or report.html disagrees with posterior.csv"
import csv, json, math, re, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/posterior.csv")))
doc = json.load(open(d + "/calibration.json"))
names = [p["name"] for p in doc["parameters"]]
assert names == ["neuron_survival.sensory_vulnerable_fraction", "neuron_survival.death_time_constant"], names
assert doc["stop_reason"] == "max_generations" and len(doc["file_sha256"]) == 64, doc
assert [g["generation"] for g in doc["generations"]] == [0, 1, 2] and doc["generations"][0]["tolerance"] is None
gens = list(csv.DictReader(open(d + "/generations.csv")))
for g, j in zip(gens, doc["generations"]):
    assert int(g["evaluations"]) == j["evaluations"] and float(g["ess"]) == j["ess"], (g, j)
w = [float(r["weight"]) for r in rows]
for p in doc["parameters"]:
    x = [float(r[p["name"]]) for r in rows]
    mean = sum(wi * xi for wi, xi in zip(w, x)) / sum(w)
    sd = math.sqrt(sum(wi * (xi - mean) ** 2 for wi, xi in zip(w, x)) / sum(w))
    order = sorted(range(len(x)), key=lambda i: x[i])
    def level(q):
        c = 0.0
        for i in order:
            c += w[i] / sum(w)
            if c >= q - 1e-12:
                return x[i]
        return x[order[-1]]
    assert math.isclose(p["mean"], mean, rel_tol=1e-12), (p, mean)
    assert math.isclose(p["sd"], sd, rel_tol=1e-9, abs_tol=1e-15), (p, sd)
    for key, q in (("q05", 0.05), ("q50", 0.5), ("q95", 0.95)):
        assert p[key] == level(q), (p, key, level(q))
    assert p["prior"]["low"] < p["q05"] <= p["q50"] <= p["q95"] < p["prior"]["high"], p
html = open(d + "/report.html").read()
assert len(re.findall(r'<figure class="histogram" data-parameter="([^"]+)"', html)) == 2, "one histogram per parameter"
assert re.findall(r'<figure class="histogram" data-parameter="([^"]+)"', html) == names
assert len(re.findall(r'<figure class="scatter"', html)) == 1, "one scatter plot for the pair"
assert len(re.findall(r'<circle class="particle"', html)) == len(rows)
assert "<script" not in html
PY

# Killed (mpirun gets SIGTERM and ends its ranks) after the first generation's checkpoint and
# resumed under 2 ranks: the uninterrupted result.
"${MPIRUN[@]}" -n 2 "$BUNGNER" -q calibrate "$WORK/tiny.toml" --out "$WORK/killed" --threads 1 >"$WORK/killed.log" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do
  [[ -f $WORK/killed/checkpoint.csv ]] && break
  sleep 0.1
done
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
# The launcher may return before its ranks are gone; a rank still running would work in the same
# proposal folders as the resumed run (the proposals are the same ones) and remove them under it.
for _ in $(seq 1 300); do
  pgrep -f -- "--out $WORK/killed " >/dev/null || break
  sleep 0.1
done
pgrep -f -- "--out $WORK/killed " >/dev/null && fail "the killed run's ranks are still running after 30 s"
[[ -f $WORK/killed/checkpoint.csv ]] || { cat "$WORK/killed.log"; fail "no checkpoint after a generation on 2 ranks"; }
[[ ! -f $WORK/killed/posterior.csv ]] || fail "the run finished before it was killed: the resume below would test nothing"
"${MPIRUN[@]}" -n 2 "$BUNGNER" -q calibrate "$WORK/tiny.toml" --out "$WORK/killed" --threads 1 --resume >"$WORK/resumed.log" 2>&1 ||
  { cat "$WORK/resumed.log"; fail "resume on 2 ranks failed"; }
for f in $OUTPUTS; do
  cmp -s "$WORK/ranks1/$f" "$WORK/killed/$f" || fail "$f of a run killed and resumed on 2 ranks differs from 1 rank"
done
ls -a "$WORK/killed" | grep -q partial && fail "a partial file was left in $WORK/killed"
# Without --resume, every rank refuses the directory holding a checkpoint (exit 2).
expect_exit 2 "$WORK/err" "${MPIRUN[@]}" -n 2 "$BUNGNER" -q calibrate "$WORK/tiny.toml" --out "$WORK/killed" --threads 1
grep -q "holds a calibration's checkpoint" "$WORK/err" || fail "an existing checkpoint was not reported on 2 ranks: $(cat "$WORK/err")"
echo "calibrate_mpi: ok"
