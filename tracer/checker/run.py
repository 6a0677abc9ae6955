"""Running a check: the battery, each case in isolation, comparison, the window, the cause, the report.

:func:`check` (``tracer.check``) is the whole check of one function: it runs
the learner's function on every case of :func:`~tracer.checker.battery.battery`
in a child process (:mod:`~tracer.checker.isolation`), compares each result
with the reference's (:mod:`~tracer.checker.compare`), and for the first
failing case locates the window responsible in the reference trace
(:mod:`~tracer.checker.locate`) and looks for the cause
(:mod:`~tracer.checker.diagnose`). From a shell, ``python -m tracer check
solution.py`` checks every course function a file defines (:func:`main`).
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import conv
from ..recording import record
from .battery import FUNCTIONS, PARAMETERS, Case, battery, check_name
from .compare import Difference, compare
from .diagnose import diagnose, observations
from .isolation import DEFAULT_TIMEOUT, Outcome, run_isolated
from .locate import locate
from .report import CaseResult, CheckReport, summary

__all__ = ["check", "CheckReport", "CaseResult", "FUNCTIONS", "battery", "main"]


def check(fn: Callable, *, name: str | None = None, figure: bool = False,
          timeout: float = DEFAULT_TIMEOUT) -> CheckReport:
    """Check a learner's version of a course function against tracer's own, case by case.

    Parameters
    ----------
    fn : callable
        The learner's function, with the course's signature.
    name : str, optional
        Which course function it implements (one of :data:`FUNCTIONS`); by
        default ``fn.__name__``.
    figure : bool, optional
        Draw the figure of the first failing case now (see :meth:`CheckReport.figure`).
    timeout : float, optional
        Seconds each case may take before it fails as "timed out".

    Returns
    -------
    CheckReport
        ``report.passed``, ``report.cases``, and ``str(report)`` for a terminal.

    Notes
    -----
    Each case runs in a forked child process on copies of its inputs (about
    10 ms of overhead per case); a learner's function sees the globals of its
    own module, so it may call its own helpers by name. Without ``fork``
    (Windows), a case that times out keeps running in a background thread.
    """
    if not callable(fn):
        raise TypeError(f"check: fn must be a function, got {type(fn).__name__}")
    if name is None:
        name = getattr(fn, "__name__", None)
        if name not in FUNCTIONS:
            raise ValueError(f"check: cannot tell which course function fn is from its name {name!r}; "
                             f"pass name= one of {list(FUNCTIONS)}")
    check_name("check", name)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"check: timeout must be a positive number of seconds, got {timeout!r}")
    if not isinstance(figure, bool):
        raise TypeError(f"check: figure must be True or False, got {figure!r}")

    start = time.perf_counter()
    reference = getattr(conv, name)
    cases = battery(name)
    outcomes, results, diffs, references = [], [], [], []
    for case in cases:
        expected = reference(*copy.deepcopy(case.args))
        outcome = run_isolated(fn, case.args, PARAMETERS[name], float(timeout))
        diff, result = _judge(name, case, expected, outcome)
        references.append(expected)
        outcomes.append(outcome)
        results.append(result)
        diffs.append(diff)

    failed = [not r.passed for r in results]
    report = CheckReport(name, _target(fn), results, seconds=0.0)
    if any(failed):
        k = failed.index(True)
        case, first = cases[k], results[k]
        with record() as trace:
            expected = reference(*copy.deepcopy(case.args))
        window = locate(name, case, trace, diffs[k], outcomes[k])
        if window is not None:
            first.window, first.steps, first.focus = window.text, window.steps, window.focus
        report.observations = observations(cases, failed)
        report.cause = diagnose(name, cases, outcomes, results, references)
        received = outcomes[k].value if outcomes[k].kind == "returned" else None
        report._detail = {"case": case, "trace": trace, "expected": expected, "received": received,
                          "outcome": outcomes[k]}
    report.seconds = time.perf_counter() - start
    if figure:
        report.figure()
    return report


def _judge(name: str, case: Case, expected: Any, outcome: Outcome) -> tuple[Difference | None, CaseResult]:
    result = CaseResult(case.name, case.description, summary(name, case.args), False, "", seconds=outcome.seconds)
    diff = None
    if outcome.kind == "raised":
        result.status = "raised"
        result.differs = outcome.error + (f" (at {outcome.where})" if outcome.where else "")
    elif outcome.kind == "timeout":
        result.status, result.differs = "timed out", outcome.error
    elif outcome.kind == "died":
        result.status, result.differs = "crashed", outcome.error
    else:
        diff = compare(name, expected, outcome.value)
        if diff is None and outcome.modified:
            diff = Difference("modified input", f"it changed its input {', '.join(outcome.modified)}: course "
                               "functions must leave their inputs alone (work on a copy)")
        if diff is None:
            result.passed, result.status = True, "passed"
        else:
            result.status, result.differs = diff.status, diff.text
            result.output, result.index, result.expected, result.received = (diff.output, diff.index,
                                                                              diff.expected, diff.received)
            if outcome.modified and diff.status != "modified input":
                result.differs += f"; it also changed its input {', '.join(outcome.modified)}"
    return diff, result


def _target(fn: Callable) -> str:
    qual = getattr(fn, "__name__", repr(fn))
    code = getattr(fn, "__code__", None)
    return f"{qual} from {Path(code.co_filename).name}" if code is not None else qual


# ----------------------------------------------------------------------------------------------
# Command line: python -m tracer check solution.py


def _load(path: Path):
    """Import a learner's file as a module (its ``if __name__ == "__main__"`` block does not run)."""
    module_name = f"_tracer_checked_{path.stem}_{abs(hash(str(path.resolve()))) % 10**8}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    sys.path.insert(0, str(path.resolve().parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.resolve().parent))
    return module


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tracer check",
        description="Check your own versions of the course functions (zero_pad, conv_forward, pool_backward...) "
                    "in a Python file against tracer's, case by case, and show the first window that differs.",
    )
    parser.add_argument("path", help="your Python file; its `if __name__ == \"__main__\"` block is not run")
    parser.add_argument("--only", metavar="NAME", choices=FUNCTIONS,
                        help=f"check only this function (one of {', '.join(FUNCTIONS)})")
    parser.add_argument("--figure", metavar="DIR",
                        help="save a PNG of the first failing window of each failing function into DIR")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds each case may take (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--timing", action="store_true", help="print how long each check took")
    return parser


def main(argv: list[str] | None = None) -> int:
    """``python -m tracer check path/to/solution.py [--figure DIR] [--only NAME]``.

    Returns
    -------
    int
        0 when every function passes, 1 when one fails, 2 when the file does
        not exist, cannot be imported, or defines none of the course functions.
    """
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    path = Path(args.path)
    if not path.is_file():
        print(f"tracer check: no such file: {path}", file=sys.stderr)
        return 2
    if not args.timeout > 0:
        print(f"tracer check: --timeout must be a positive number of seconds, got {args.timeout}", file=sys.stderr)
        return 2
    try:
        module = _load(path)
    except Exception as exc:  # noqa: BLE001 - any error of the learner's file is reported
        print(f"tracer check: importing {path} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    wanted = (args.only,) if args.only else FUNCTIONS
    found = [n for n in wanted if callable(getattr(module, n, None))
             and getattr(getattr(module, n), "__module__", None) == module.__name__]
    if not found:
        which = f"the function {args.only}" if args.only else f"any of the course functions ({', '.join(FUNCTIONS)})"
        print(f"tracer check: {path} does not define {which}", file=sys.stderr)
        return 2
    total = time.perf_counter()
    failures = 0
    for n in found:
        report = check(getattr(module, n), name=n, timeout=args.timeout)
        print(report)
        print()
        failures += not report.passed
        if args.figure and not report.passed:
            out = Path(args.figure)
            out.mkdir(parents=True, exist_ok=True)
            fig = report.figure()
            if fig is not None:
                target = out / f"{n}.png"
                fig.savefig(target, dpi=100)
                print(f"figure: {target}\n")
            else:
                print(f"figure: none for {n} (its first failure has no window to show)\n")
        if args.timing:
            print(f"{n}: {report.seconds:.2f} s\n")
    if args.timing:
        print(f"checked {len(found)} function(s) in {time.perf_counter() - total:.2f} s")
    print(f"{len(found) - failures} of {len(found)} function(s) passed")
    return 1 if failures else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
