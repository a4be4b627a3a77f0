"""bungner: an in-silico laboratory for peripheral nerve injury and repair (docs/python.md).

Single runs and studies run in this process through the C++ extension, with the GIL released;
design tables, sensitivity analyses and calibrations run the bundled command-line tool, so they
also leave the interpreter free. Results come back as pandas DataFrames.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

_HERE = pathlib.Path(__file__).resolve().parent
try:  # a build tree's package (<build>/python/bungner) knows its tool and the source tree's data
    from . import _build_tree
except ImportError:
    _build_tree = None
# An installed package carries its presets and evidence in bungner/data.
if (_HERE / "data").is_dir():
    os.environ.setdefault("BUNGNER_DATA_DIR", str(_HERE / "data"))
elif _build_tree is not None:
    os.environ.setdefault("BUNGNER_DATA_DIR", _build_tree.DATA)

import pandas as _pd  # noqa: E402

from ._bungner import Result, Scenario, __version__, run  # noqa: E402,F401
from ._bungner import run_study as _run_study  # noqa: E402

__all__ = ["Result", "Scenario", "run", "study", "design", "sensitivity", "calibrate", "executable", "data_directory"]


def data_directory():
    """The directory of presets and evidence the package uses."""
    return os.environ.get("BUNGNER_DATA_DIR", "")


def executable():
    """The command-line tool this package drives: the one bundled with it (bungner/bin/bungner),
    else $BUNGNER_EXECUTABLE, else the build tree's, else `bungner` on PATH."""
    candidates = [_HERE / "bin" / "bungner", os.environ.get("BUNGNER_EXECUTABLE", ""),
                  _build_tree.EXECUTABLE if _build_tree else ""]
    for c in candidates:
        if c and pathlib.Path(c).is_file() and os.access(c, os.X_OK):
            return str(c)
    found = shutil.which("bungner")
    if found:
        return found
    raise FileNotFoundError("no bungner executable: reinstall the package or set BUNGNER_EXECUTABLE")


def _cli(*args):
    """Runs the command-line tool; raises ValueError with its message on invalid input (exit 2)."""
    done = subprocess.run([executable(), "-q", *map(str, args)], capture_output=True, text=True)
    if done.returncode == 2:
        raise ValueError(done.stderr.strip())
    if done.returncode != 0:
        raise RuntimeError(f"bungner {' '.join(map(str, args))} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def _tables(directory, names):
    d = pathlib.Path(directory)
    return {n.removesuffix(".csv"): _pd.read_csv(d / n) for n in names if (d / n).is_file()}


def study(path, out=None, threads=0, force=False, resume=False, uncertainty=0, uncertainty_from="", quiet=True):
    """Runs (or resumes) a study file as `bungner study` does, in this process with the GIL
    released, and returns its tables as DataFrames: summary, subjects, comparisons, and where the
    study has them draws (parameter uncertainty) and trial_summary, patients, km (trials).
    `out` defaults to runs/<file stem>; the files stay there (study.json, report.html, ...)."""
    out = str(out) if out is not None else os.path.join("runs", pathlib.Path(path).stem)
    _run_study(str(path), out, threads, force, resume, uncertainty, uncertainty_from, quiet)
    tables = _tables(out, ["summary.csv", "subjects.csv", "comparisons.csv", "draws.csv", "trial_summary.csv",
                           "patients.csv", "km.csv", "trial_draws.csv"])
    tables["directory"] = out
    return tables


def design(parameters, points=16, method="lhs", seed=1):
    """A design table (`bungner design`) as a DataFrame: `parameters` are strings
    "name=low..high unit [log]"."""
    with tempfile.TemporaryDirectory() as tmp:
        table = os.path.join(tmp, "design.csv")
        args = ["design", "--method", method, "-n", points, "--seed", seed, "-o", table]
        for p in parameters:
            args += ["--param", p]
        _cli(*args)
        return _pd.read_csv(table)


def sensitivity(scenario, parameters, readout, at, method="morris", trajectories=10, samples=64, seed=1, set=None,
                threads=0):
    """Morris elementary effects or Sobol indices of one readout (`bungner sensitivity`) as a
    DataFrame; `set` overrides scenario keys as in Scenario."""
    with tempfile.TemporaryDirectory() as tmp:
        table = os.path.join(tmp, "indices.csv")
        args = ["sensitivity", scenario, "--method", method, "--readout", readout, "--at", at, "--trajectories", trajectories,
                "--samples", samples, "--seed", seed, "-o", table]
        for p in parameters:
            args += ["--param", p]
        for key, value in (set or {}).items():
            args += ["--set", f"{key}={value}"]
        if threads:
            args += ["--threads", threads]
        _cli(*args)
        return _pd.read_csv(table)


def calibrate(path, out=None, threads=0, resume=False, force=False):
    """ABC-SMC calibration (`bungner calibrate`); returns the weighted posterior sample and the
    per-generation table as DataFrames (posterior, generations) and the output directory."""
    out = str(out) if out is not None else os.path.join("runs", "calibration", pathlib.Path(path).stem)
    args = ["calibrate", path, "-o", out]
    if threads:
        args += ["--threads", threads]
    if resume:
        args.append("--resume")
    if force:
        args.append("--force")
    _cli(*args)
    tables = _tables(out, ["posterior.csv", "generations.csv"])
    tables["directory"] = out
    return tables
