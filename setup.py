"""Builds the bungner Python package (docs/python.md).

The package is python/bungner (pure Python) plus, copied in at build time, the C++ extension
`_bungner`, the command-line tool (bungner/bin/bungner, which design, sensitivity, calibrate and
`python -m bungner` run), the data (presets, evidence: bungner/data) and the validation cases
(bungner/validation, for calibrate and validate, with the scenarios they name: bungner/scenarios). They come from a CMake
build tree: $BUNGNER_BUILD_DIR when set (an existing build, e.g. build/release: nothing is
compiled), else the `portable` preset (no -march=native), configured and built here. Offline
with Debian's tools:

    python3 -m venv --system-site-packages ENV
    ENV/bin/pip install --no-build-isolation --no-deps --no-index .
"""
import os
import pathlib
import re
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

ROOT = pathlib.Path(__file__).resolve().parent
VERSION = re.search(r"project\(bungner VERSION ([0-9.]+)", (ROOT / "CMakeLists.txt").read_text()).group(1)


def build_tree():
    given = os.environ.get("BUNGNER_BUILD_DIR")
    if given:
        return pathlib.Path(given).resolve()
    subprocess.check_call(["cmake", "--preset", "portable"], cwd=ROOT)
    subprocess.check_call(["cmake", "--build", "--preset", "portable", "--target", "bungner_python", "bungner_python_sources",
                           "bungner_cli"], cwd=ROOT)
    return ROOT / "build" / "portable"


class BuildWithCMake(build_py):
    def run(self):
        super().run()
        tree = build_tree()
        package = tree / "python" / "bungner"
        extensions = sorted(package.glob("_bungner*.so"))
        if not extensions or not (package / "_build_tree.py").is_file():
            raise RuntimeError(f"{package} holds no built extension: build the target bungner_python in {tree} first")
        where = {}
        exec((package / "_build_tree.py").read_text(), where)
        target = pathlib.Path(self.build_lib) / "bungner"
        shutil.copy2(extensions[0], target)
        (target / "bin").mkdir(exist_ok=True)
        shutil.copy2(where["EXECUTABLE"], target / "bin" / "bungner")
        shutil.copytree(ROOT / "data", target / "data", dirs_exist_ok=True)
        # The validation cases beside the data, where validate and calibrate look for them, and the
        # example scenarios that some of their studies name (../../scenarios/examples).
        for folder in ("validation", "scenarios"):
            shutil.copytree(ROOT / folder, target / folder, dirs_exist_ok=True)


class BinaryDistribution(Distribution):
    """The wheel holds compiled code: tag it for this platform and Python."""

    def has_ext_modules(self):
        return True


# setuptools' scratch space inside CMake's build/ folder, away from its trees.
SCRATCH = ROOT / "build" / "python-package"
SCRATCH.mkdir(parents=True, exist_ok=True)
setup(version=VERSION,
      packages=["bungner"],
      package_dir={"": "python"},
      cmdclass={"build_py": BuildWithCMake},
      distclass=BinaryDistribution,
      options={"build": {"build_base": str(SCRATCH)}, "egg_info": {"egg_base": str(SCRATCH)}})
