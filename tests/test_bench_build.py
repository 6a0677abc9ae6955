"""scripts/bench_build.py in its quick mode: the incremental build on a copy of the repository.

Timings are not asserted; what each edit re-runs and redraws is.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_build.py"


def test_quick_run_rebuilds_only_what_each_edit_touches():
    out = subprocess.run([sys.executable, str(SCRIPT), "--quick"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    rows = {}
    for line in out.stdout.splitlines()[2:]:
        *name, seconds, rerun, drawn, reused = line.split()
        rows[" ".join(name)] = (int(rerun), int(drawn), int(reused))
    assert rows["clean build"][0] == 1 and rows["clean build"][1] >= 2 and rows["clean build"][2] == 0
    assert rows["nothing changed"] == (0, 0, 0)
    assert rows["comment + docstring in tracer/"] == (0, 0, 0)  # cli.py and conv.py: no code changed
    figures = rows["clean build"][1]
    assert rows["prose of padding"] == (1, 0, figures)  # re-run, nothing drawn
    rerun, drawn, reused = rows["code of padding"]
    assert rerun == 1 and drawn >= 1 and drawn + reused == figures  # the changed trace's figure only
