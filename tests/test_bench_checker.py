"""scripts/bench_checker.py runs end to end (a smoke run of its fault table: timings are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_checker.py"


def test_quick_fault_table():
    out = subprocess.run([sys.executable, str(SCRIPT), "--only", "faults", "--quick"], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    rows = {line.split()[0]: line.split()[1] for line in out.stdout.splitlines()[2:] if line.strip()}
    faults = sorted(p.stem for p in (SCRIPT.parents[1] / "tests" / "learner_faults").glob("*.py"))
    assert sorted(rows) == faults
    assert rows["chdir_at_import"] == rows["forks"] == "0"  # the two correct files pass
    assert rows["exit_at_import"] == rows["os_exit_at_import"] == rows["thread_at_import"] == "2"
    assert rows["patches_numpy"] == rows["complex_result"] == "1"


LEARNER = '''
import numpy as np

BATCH = "Z"
BUGS = {"sigmoid": {"sign"}, "relu_backward": {"missing factor"}}


def sigmoid(Z):
    A = 1 / (1 + np.exp(Z))
    return A, Z


def relu(Z):
    return np.maximum(0, Z), Z


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ * 2
'''


def test_the_held_out_table_of_another_directory(tmp_path):
    (tmp_path / "learner.py").write_text(LEARNER)
    out = subprocess.run([sys.executable, str(SCRIPT), "--only", "heldout", "--bugs", str(tmp_path), "--verbose"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr  # both bugs caught, the right relu passes
    assert f"held-out learner bugs in {tmp_path} (" in out.stdout
    (row,) = [line.split() for line in out.stdout.splitlines() if line.strip().startswith("Z ")]
    # batch, files, bugs, caught, cause right (its share), seconds per file, most seconds
    assert row[:5] == ["Z", "1", "2", "2", "1"] and row[5] == "(50%)"  # x 2 is no mistake of the catalogue
    assert "ok  learner.sigmoid: expected ['sign'], named ['sign']" in out.stdout


def test_bugs_must_be_a_directory(tmp_path):
    out = subprocess.run([sys.executable, str(SCRIPT), "--bugs", str(tmp_path / "missing")], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2 and "--bugs: " in out.stderr and "is not a directory" in out.stderr
