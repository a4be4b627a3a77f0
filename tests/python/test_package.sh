#!/usr/bin/env bash
# `pip install .` of the Python package (issue 24, docs/python.md), offline with Debian's tools,
# into a clean virtual environment, from a copy of the sources, reusing this build tree's
# extension and tool (BUNGNER_BUILD_DIR): then, outside the source tree and without PYTHONPATH,
# `import bungner` is the installed package with its own data and tool; bungner.study() returns
# DataFrames equal to the CSV files `bungner study` writes for the same study; design(),
# sensitivity(), calibrate() and `python -m bungner` work; a bad study raises ValueError.
# usage: test_package.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
BUILD=$1 SRC=$2 WORK=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK/src"
cp -r "$SRC/pyproject.toml" "$SRC/setup.py" "$SRC/README.md" "$SRC/LICENSE" "$SRC/CMakeLists.txt" "$SRC/python" "$SRC/data" \
  "$SRC/validation" "$SRC/scenarios" "$WORK/src/"
/usr/bin/python3 -m venv --system-site-packages "$WORK/venv"
BUNGNER_BUILD_DIR="$BUILD" "$WORK/venv/bin/pip" install --no-build-isolation --no-deps --no-index --no-cache-dir \
  "$WORK/src" >"$WORK/pip.log" 2>&1 || { cat "$WORK/pip.log"; fail "pip install failed"; }
cat >"$WORK/study.toml" <<TOML
title = "package test"
base = "$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml"
seed = 5
subjects = 3
readouts = ["sensory_neuron_survival", "motor_neuron_survival"]
[[arms]]
name = "untreated"
[[arms]]
name = "ALCAR"
set = { "therapies" = [{ type = "acetyl_l_carnitine", dose = "50 mg/kg/day" }] }
TOML
TOOL=$(sed -n 's/^EXECUTABLE = "\(.*\)"/\1/p' "$BUILD/python/bungner/_build_tree.py")  # this build's bungner
"$TOOL" -q study "$WORK/study.toml" --out "$WORK/cli" --threads 2 || fail "the command-line study failed"
cd "$WORK"
env -u PYTHONPATH -u BUNGNER_DATA_DIR SRC="$SRC" "$WORK/venv/bin/python" - "$WORK" <<'PY' || fail "the installed package misbehaves"
import os, pathlib, subprocess, sys
import pandas as pd
work = pathlib.Path(sys.argv[1])
import bungner
home = pathlib.Path(bungner.__file__).parent
assert str(home).startswith(str(work / "venv")), home
assert bungner.data_directory() == str(home / "data") and (home / "data" / "presets" / "rat-sciatic.toml").is_file()
assert (home / "validation" / "rat-sciatic-crush-12wk-luis2007.toml").is_file()
assert bungner.executable() == str(home / "bin" / "bungner")
tables = bungner.study(str(work / "study.toml"), out=str(work / "py"), threads=2)
summary = tables["summary"]
assert isinstance(summary, pd.DataFrame) and set(summary["arm"]) == {"untreated", "ALCAR"}, summary
for name in ("summary", "subjects", "comparisons"):
    cli = pd.read_csv(work / "cli" / f"{name}.csv")
    pd.testing.assert_frame_equal(tables[name], cli, check_exact=True)
design = bungner.design(["axon_regeneration.speed=1..3 mm/day"], points=5, seed=3)
assert len(design) == 5 and design.iloc[:, 1].between(1, 3).all(), design
indices = bungner.sensitivity(os.path.join(os.environ["SRC"], "scenarios", "rat-sciatic-crush.toml"),
                              ["axon_regeneration.speed=1..3 mm/day"], readout="regeneration_front", at="14 d",
                              trajectories=2)
assert isinstance(indices, pd.DataFrame) and len(indices) == 1 and "axon_regeneration.speed" in indices.iloc[0].to_string(), indices
(work / "calib.toml").write_text("""title = "package test"
seed = 3
particles = 8
[stop]
max_generations = 1
[[parameters]]
name = "neuron_survival.death_time_constant"
[[fit]]
entry = "E24"
""")
posterior = bungner.calibrate(str(work / "calib.toml"), out=str(work / "calib"), threads=2)
assert len(posterior["posterior"]) == 8 and "neuron_survival.death_time_constant" in posterior["posterior"].columns, posterior
assert len(posterior["generations"]) == 1, posterior["generations"]
version = subprocess.run([sys.executable, "-m", "bungner", "--version"], capture_output=True, text=True, check=True).stdout
assert version.startswith("bungner " + bungner.__version__), version
(work / "bad.toml").write_text('title = "bad"\nbase = "nowhere.toml"\n')
try:
    bungner.study(str(work / "bad.toml"), out=str(work / "bad"))
    raise AssertionError("a bad study was accepted")
except ValueError as e:
    assert "bad.toml" in str(e), e
print("ok")
PY
echo "python.package: ok"
