"""The checker's figures: the held-out learner bugs (caught, cause right) and the time each fault takes to a verdict.

Checks every file of ``tests/learner_bugs/`` as ``python -m tracer check`` does
(:func:`tracer.checker.check_file`) and prints, per batch and overall, how many
bugs are caught and how many get the right cause; then runs ``python -m tracer
check`` on every file of ``tests/learner_faults/`` with the default limits (or
short ones with ``--quick``) and prints its exit code and the seconds to its
verdict.

    python scripts/bench_checker.py            # default limits: about a minute
    python scripts/bench_checker.py --quick    # short limits, a smoke run
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUGS = REPO / "tests" / "learner_bugs"
FAULTS = REPO / "tests" / "learner_faults"


def _constant(path: Path, name: str, default: object) -> object:
    """A module-level constant of ``path``, read without importing the file."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == name:
            return ast.literal_eval(node.value)
    return default


def heldout(verbose: bool) -> int:
    from tracer.checker import check_file

    batches: dict[str, list[int]] = {}
    wrong = 0
    start = time.perf_counter()
    for path in sorted(BUGS.glob("*.py")):
        expected = {k: set(v) for k, v in _constant(path, "BUGS", {}).items()}
        batch = str(_constant(path, "BATCH", "A"))
        result = check_file(path)
        for report in result.reports:
            if report.function not in expected:
                wrong += not report.passed  # a right function must pass
                continue
            named = {m.category for m in report.mistakes}
            ok = bool(named & expected[report.function])
            row = batches.setdefault(batch, [0, 0, 0])
            row[0] += 1
            row[1] += not report.passed
            row[2] += ok
            if verbose:
                print(f"  {'ok ' if ok else 'no '} {path.stem}.{report.function}: expected "
                      f"{sorted(expected[report.function])}, named {sorted(named) or 'none'}")
    print(f"held-out learner bugs ({time.perf_counter() - start:.1f} s):")
    print(f"  {'batch':<44} {'bugs':>5} {'caught':>7} {'cause right':>12}")
    labels = {"A": "A: written before the catalogue", "B": "B: written after it was frozen"}
    total = [0, 0, 0]
    for batch, (n, caught, right) in sorted(batches.items()):
        print(f"  {labels.get(batch, batch):<44} {n:>5} {caught:>7} {right:>7} ({right / n:.0%})")
        total = [a + b for a, b in zip(total, (n, caught, right))]
    n, caught, right = total
    print(f"  {'all':<44} {n:>5} {caught:>7} {right:>7} ({right / n:.0%})")
    if wrong:
        print(f"  {wrong} right function(s) failed")
    return 0 if caught == n and not wrong else 1


def faults(quick: bool) -> int:
    limits = ["--import-timeout", "1", "--timeout", "0.3"] if quick else []
    print(f"faults, python -m tracer check FILE{' ' + ' '.join(limits) if limits else ' (default limits)'}:")
    print(f"  {'file':<28} {'exit':>4} {'seconds':>8}  verdict")
    bad = 0
    for path in sorted(FAULTS.glob("*.py")):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "tracer", "check", str(path), *limits], cwd=path.parent,
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        lines = [line for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
        verdict = next((line for line in lines if "could not check" in line), lines[-1] if lines else "")
        verdict = verdict.replace(f"tracer check: could not check {path}: ", "could not check: ")
        right = proc.returncode != 0 or path.stem in ("chdir_at_import", "forks")  # the two correct files
        bad += not right or seconds > 30
        print(f"  {path.stem:<28} {proc.returncode:>4} {seconds:>8.1f}  {verdict[:90]}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short time limits for the faults (a smoke run)")
    parser.add_argument("--verbose", action="store_true", help="one line per held-out bug")
    parser.add_argument("--only", choices=("heldout", "faults"), help="run one of the two parts")
    args = parser.parse_args(argv)
    code = 0
    if args.only in (None, "heldout"):
        code |= heldout(args.verbose)
    if args.only in (None, "faults"):
        code |= faults(args.quick)
    return code


if __name__ == "__main__":
    sys.exit(main())
