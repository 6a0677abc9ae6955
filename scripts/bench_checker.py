"""The checker's figures: the held-out learner bugs (caught, cause right) and the time each fault takes to a verdict.

Checks every file of ``tests/learner_bugs/`` (or of ``--bugs DIR``, files in
the same format: a ``BUGS`` dict, ``function -> categories``, and an optional
``BATCH`` constant, ``"A"`` when absent) as ``python -m tracer check`` does
(:func:`tracer.checker.check_file`) and prints, per batch and overall, how many
bugs there are, how many are caught and how many get the right cause, with the
seconds each file's check takes; then runs ``python -m tracer check`` on every
file of ``tests/learner_faults/`` with the default limits (or short ones with
``--quick``) and prints its exit code and the seconds to its verdict.

    python scripts/bench_checker.py                         # default limits: about a minute
    python scripts/bench_checker.py --quick                 # short limits, a smoke run
    python scripts/bench_checker.py --only heldout --bugs DIR   # another set of learner bugs
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


def heldout(verbose: bool, bugs: Path = BUGS) -> int:
    """Check every file of ``bugs`` and print, per batch: bugs, caught, cause right, seconds per file."""
    from tracer.checker import check_file

    paths = sorted(bugs.glob("*.py"))
    if not paths:
        print(f"held-out learner bugs: no .py files in {bugs}")
        return 1
    batches: dict[str, list[int]] = {}
    seconds: dict[str, list[float]] = {}
    wrong = 0
    start = time.perf_counter()
    for path in paths:
        expected = {k: set(v) for k, v in _constant(path, "BUGS", {}).items()}
        batch = str(_constant(path, "BATCH", "A"))
        begin = time.perf_counter()
        result = check_file(path)
        seconds.setdefault(batch, []).append(time.perf_counter() - begin)
        row = batches.setdefault(batch, [0, 0, 0])
        if result.problem:
            print(f"  {path.name}: could not check: {result.problem}")
        checked = {report.function for report in result.reports}
        row[0] += len(set(expected) - checked)  # a bug the checker never reached counts as missed
        for report in result.reports:
            if report.function not in expected:
                wrong += not report.passed  # a right function must pass
                continue
            named = {m.category for m in report.mistakes}
            ok = bool(named & expected[report.function])
            row[0] += 1
            row[1] += not report.passed
            row[2] += ok
            if verbose:
                print(f"  {'ok ' if ok else 'no '} {path.stem}.{report.function}: expected "
                      f"{sorted(expected[report.function])}, named {sorted(named) or 'none'}")
    print(f"held-out learner bugs in {bugs} ({time.perf_counter() - start:.1f} s, "
          f"load average {_load()}):")
    print(f"  {'batch':<40} {'files':>5} {'bugs':>5} {'caught':>7} {'cause right':>12} {'s/file':>7} {'max s':>6}")
    labels = {"A": "A: written before the catalogue", "B": "B: written after it was frozen"}
    total = [0, 0, 0]
    for batch, (n, caught, right) in sorted(batches.items()):
        times = seconds[batch]
        print(f"  {labels.get(batch, batch):<40} {len(times):>5} {n:>5} {caught:>7} {right:>5} ({right / max(n, 1):.0%})"
              f" {sum(times) / len(times):>7.1f} {max(times):>6.1f}")
        total = [a + b for a, b in zip(total, (n, caught, right))]
    n, caught, right = total
    times = [t for ts in seconds.values() for t in ts]
    print(f"  {'all':<40} {len(times):>5} {n:>5} {caught:>7} {right:>5} ({right / max(n, 1):.0%})"
          f" {sum(times) / len(times):>7.1f} {max(times):>6.1f}")
    if wrong:
        print(f"  {wrong} right function(s) failed")
    return 0 if caught == n and not wrong else 1


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


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
    parser.add_argument("--bugs", type=Path, default=BUGS, metavar="DIR",
                        help="the learner bugs to measure: .py files with a BUGS dict and an optional BATCH "
                             "(default: tests/learner_bugs)")
    args = parser.parse_args(argv)
    if not args.bugs.is_dir():
        parser.error(f"--bugs: {args.bugs} is not a directory")
    code = 0
    if args.only in (None, "heldout"):
        code |= heldout(args.verbose, args.bugs.resolve())
    if args.only in (None, "faults"):
        code |= faults(args.quick)
    return code


if __name__ == "__main__":
    sys.exit(main())
