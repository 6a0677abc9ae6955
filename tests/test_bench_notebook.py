"""scripts/bench_notebook.py runs end to end (a smoke run: the figures it prints are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_notebook.py"


def test_bench_notebook_quick_prints_bytes_per_frame_and_the_display_time():
    out = subprocess.run([sys.executable, str(SCRIPT), "--quick"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "HTML B/fr" in out.stdout and "display of a" in out.stdout and "bytes per frame" in out.stdout


def test_bench_notebook_has_help_and_refuses_a_bad_repeat_count():
    assert "bytes per frame" in subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True,
                                               text=True, check=True).stdout
    bad = subprocess.run([sys.executable, str(SCRIPT), "--repeats", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--repeats must be at least 1" in bad.stderr
