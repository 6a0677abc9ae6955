"""scripts/bench_core.py runs end to end (a smoke run: timings are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_core.py"


def test_help():
    out = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "--quick" in out.stdout and "--strict" in out.stdout


def test_quick_run_prints_the_table():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--no-torch"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    header = next(line for line in lines if line.startswith("function"))
    for column in ("course ms", "loop ms", "loop/course", "rec ms", "on/off", "ns/ev", "B/ev", "fast ms", "loop/fast"):
        assert column in header
    rows = [" ".join(line.split()[:2]) for line in lines if line.startswith(("conv_", "pool_"))]
    assert rows == [
        "conv_forward a", "conv_backward a", "conv_forward dilated", "conv_backward dilated",
        "conv_transpose_forward a", "conv_transpose_backward a",
        "pool_forward max", "pool_forward average", "pool_backward max", "pool_backward average",
    ]
    assert "requirements:" in out.stdout
    assert "done" in out.stderr  # progress goes to stderr
