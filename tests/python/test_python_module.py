"""The bungner Python module against the command-line tool it mirrors: the same scenario with the
same overrides gives the same numbers, bit for bit; invalid input raises ValueError with the
diagnostics; the GIL is released while a run computes.

usage: PYTHONPATH=<build>/python test_python_module.py BUNGNER SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import numpy as np
import pandas as pd

import bungner

BUNGNER, SRC = sys.argv[1], sys.argv[2]
SCENARIO = os.path.join(SRC, "scenarios", "rat-sciatic-crush.toml")
OVERRIDES = {"seed": 7, "parameters.axon_regeneration.speed": "2 mm/day", "injury.type": "transection",
             "repair.type": "direct_suture"}


class PythonModule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scenario = bungner.Scenario(SCENARIO, set=OVERRIDES)
        cls.result = cls.scenario.run()
        cls.cli_dir = tempfile.mkdtemp()
        command = [BUNGNER, "-q", "run", SCENARIO, "--out", cls.cli_dir, "--force"]
        for key, value in OVERRIDES.items():
            command += ["--set", f"{key}={value}"]
        subprocess.run(command, check=True)

    def test_time_series_and_readouts_equal_the_command_line_run(self):
        for frame, file in ((self.result.timeseries, "timeseries.csv"), (self.result.readouts, "readouts.csv")):
            expected = pd.read_csv(os.path.join(self.cli_dir, file), float_precision="round_trip",
                                   dtype={"time_days": float, "value": float})
            self.assertEqual(list(frame.columns), list(expected.columns))
            self.assertEqual(len(frame), len(expected))
            pd.testing.assert_frame_equal(frame, expected, check_exact=True)

    def test_overrides_reach_the_model(self):
        toml = self.scenario.toml
        self.assertIn("'axon_regeneration.speed' = '2 mm/day'", toml)
        self.assertIn("seed = 7", toml)
        default = bungner.run(SCENARIO, set={"seed": 7, "injury.type": "transection", "repair.type": "direct_suture"})
        _, slow = self.result.series("regeneration_front")
        _, fast = default.series("regeneration_front")
        self.assertGreater(fast[30], 0)
        self.assertLess(slow[30], fast[30])  # day 30: past the suture, short of the 60 mm end

    def test_arrays(self):
        times, values = self.result.readout("muscle_mass_ratio.gastrocnemius")
        self.assertIsInstance(times, np.ndarray)
        self.assertEqual(times.dtype, np.float64)
        np.testing.assert_array_equal(times, [3, 7, 14, 28, 56, 84])  # the scenario's readout times
        self.assertEqual(values.shape, (6,))
        self.assertEqual(self.result.variables[0], "regeneration_front")
        self.assertIn("days_to_target.gastrocnemius", self.result.readout_names)
        with self.assertRaises(KeyError):
            self.result.series("no_such_variable")

    def test_site_snapshots_are_views_equal_to_the_files(self):
        """The 3D site at readout times: fields as (z, y, x) arrays and cells, equal to the
        PhysiCell-layout files of the same run (read with scipy), still valid once the Result is
        gone, read-only; a run without the site has none."""
        import scipy.io as sio
        scenario = os.path.join(SRC, "models", "mechanisms", "site_axons", "golden", "scenario.toml")
        out = tempfile.mkdtemp()
        subprocess.run([BUNGNER, "-q", "run", scenario, "--out", out, "--force"], check=True)
        result = bungner.run(scenario)
        self.assertEqual(result.site_times, [7.0, 14.0])
        site = result.site(1)
        del result
        env = sio.loadmat(os.path.join(out, "physicell", "output00000001_microenvironment0.mat"))["multiscale_microenvironment"]
        names = list(site["fields"])
        oxygen = site["fields"]["oxygen"]
        self.assertFalse(oxygen.flags.writeable)
        nz, ny, nx = oxygen.shape
        self.assertEqual(env.shape[1], nx * ny * nz)
        for name in ("oxygen", "vegf", "vessel"):
            row = 4 + names.index(name)  # the files list the fields in the same order
            np.testing.assert_array_equal(site["fields"][name], env[row].reshape(nz, ny, nx))
        cells = sio.loadmat(os.path.join(out, "physicell", "output00000001_cells.mat"))["cells"]
        np.testing.assert_array_equal(site["cells"]["x"], cells[1])
        np.testing.assert_array_equal(site["cells"]["id"].astype(float), cells[0])
        self.assertEqual(self.result.site_times, [])
        with self.assertRaises(IndexError):
            self.result.site(0)

    def test_invalid_input_raises_value_error_with_the_diagnostic(self):
        with self.assertRaisesRegex(ValueError, r"injury\.typo: unknown key; did you mean 'injury\.type'"):
            bungner.Scenario(SCENARIO, set={"injury.typo": "crush"})
        with self.assertRaises(ValueError):
            bungner.Scenario(os.path.join(SRC, "no-such-scenario.toml"))

    def test_the_gil_is_released_while_running(self):
        # A Python thread keeps counting while another runs a long scenario; with the GIL held
        # it would be blocked for the whole run.
        long_run = {"simulation.duration": "2 years"}
        started = time.perf_counter()
        bungner.run(SCENARIO, set=long_run)
        alone = time.perf_counter() - started

        counts = 0
        deadline = time.perf_counter() + 0.2
        while time.perf_counter() < deadline:
            counts += 1
        rate = counts / 0.2

        worker = threading.Thread(target=bungner.run, args=(SCENARIO,), kwargs={"set": long_run})
        spins = 0
        worker.start()
        while worker.is_alive():
            spins += 1
        worker.join()
        print(f"run alone {alone:.3f} s; counted {spins} during the threaded run, {rate * alone:.0f} expected if free")
        self.assertGreater(spins, 0.2 * rate * alone)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
