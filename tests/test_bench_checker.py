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
