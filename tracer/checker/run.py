"""Check a learner's own version of a course function, and show the first window that differs.

:func:`check` runs a learner's function on a battery of cases (fixed seeds)
that covers the course's known traps: pad 0, even and 1x1 filters, strides 1
to 3, non-square inputs, several examples and channels, max-pool ties, both
pool modes, biases far from zero. It compares every result with tracer's own
function and returns a :class:`CheckReport`. For the first failing case the
report says what differs (type, shape, or the first differing element), the
window responsible (from the reference trace), and the likely cause when a
known mistake reproduces the learner's results (:mod:`tracer.traps`)::

    >>> import numpy as np, tracer
    >>> def conv_single_step(a_slice_prev, W, b):
    ...     return np.sum(a_slice_prev * W + b)
    >>> report = tracer.check(conv_single_step)
    >>> report.passed
    False
    >>> print(report)  # doctest: +SKIP

Every case runs in a child process (``fork``) with a time limit, so a learner
function that raises, hangs, exits or returns something odd is reported, never
fatal. Where ``fork`` is missing (Windows), cases run in a daemon thread: a
case that times out keeps running in the background until the interpreter exits.

From a shell, ``python -m tracer check solution.py`` checks every course
function a file defines (:func:`main`). The module itself is callable, so
``tracer.check(fn)`` is :func:`check`; the command line is :func:`main`.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import conv
from ..recording import record
from .battery import CACHE_NAMES, FUNCTIONS, PARAMETERS, Case, battery, check_name
from .compare import Difference, compare
from .isolation import DEFAULT_TIMEOUT, Outcome, run_isolated
from .diagnose import diagnose, observations
from .locate import locate

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["check", "CheckReport", "CaseResult", "FUNCTIONS", "battery", "main"]

WIDTH = 100  # columns of str(report)


# ----------------------------------------------------------------------------------------------
# Reports


@dataclass
class CaseResult:
    """The result of one case of the battery.

    Attributes
    ----------
    name, description : str
        The case (see :func:`battery`).
    inputs : str
        A summary of the inputs: shapes and parameters.
    passed : bool
    status : str
        ``"passed"``, ``"wrong type"``, ``"wrong shape"``, ``"wrong values"``,
        ``"modified input"``, ``"raised"``, ``"timed out"`` or ``"crashed"``.
    differs : str
        What differs, in one sentence (empty when passed).
    window : str
        The window(s) responsible, from the reference trace (first failing case only).
    output : str
        The output that differs (``"Z"``, ``"dA_prev"``...), when one does.
    index : tuple of int or None
        The first differing element of that output.
    expected, received : float or None
        Its value in the reference and in the learner's result.
    seconds : float
        How long the learner's function took.
    """

    name: str
    description: str
    inputs: str
    passed: bool
    status: str
    differs: str = ""
    window: str = ""
    output: str = ""
    index: tuple[int, ...] | None = None
    expected: float | None = None
    received: float | None = None
    seconds: float = 0.0
    steps: tuple[int, ...] = field(default=(), repr=False)
    focus: int | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        what = "passed" if self.passed else f"{self.status}: {self.differs}"
        return f"<CaseResult {self.name} ({self.description}): {what}>"


@dataclass
class CheckReport:
    """What :func:`check` found: every case, and for the first failing one where and why.

    Attributes
    ----------
    function : str
        The course function checked against.
    target : str
        The learner's function (qualified name and file).
    cases : list of CaseResult
    cause : str or None
        The likely cause of the failures, ``"cause unknown"`` when no known
        mistake explains them, ``None`` when every case passed.
    observations : list of str
        Patterns in the failures (e.g. "fails exactly on the cases with pad 0").
    seconds : float
        Wall time of the whole check.
    """

    function: str
    target: str
    cases: list[CaseResult]
    cause: str | None = None
    observations: list[str] = field(default_factory=list)
    seconds: float = 0.0
    _detail: dict[str, Any] = field(default_factory=dict, repr=False)
    _figure: Any = field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        """Whether every case passed."""
        return all(c.passed for c in self.cases)

    @property
    def first_failure(self) -> CaseResult | None:
        """The first failing case, or ``None``."""
        return next((c for c in self.cases if not c.passed), None)

    def __repr__(self) -> str:
        n_fail = sum(not c.passed for c in self.cases)
        if not n_fail:
            return f"<CheckReport {self.function}: passed all {len(self.cases)} cases>"
        first = self.first_failure
        cause = self.cause.split(":")[0].split(". Fix")[0]
        cause = cause if cause == self.cause else cause + "..."
        return (f"<CheckReport {self.function}: FAILED {n_fail} of {len(self.cases)} cases; first: {first.name}, "
                f"{first.status}; cause: {cause}>")

    def __str__(self) -> str:
        return self.text()

    def text(self, width: int = WIDTH, timing: bool = True) -> str:
        """The report for a terminal, ``width`` columns wide (``str(report)`` is ``report.text()``).

        Parameters
        ----------
        width : int, optional
            Longest line, in characters (at least 40).
        timing : bool, optional
            Show how long the check took.
        """
        if isinstance(width, bool) or not isinstance(width, int) or width < 40:
            raise ValueError(f"CheckReport.text: width must be an int >= 40, got {width!r}")
        n_fail = sum(not c.passed for c in self.cases)
        took = f" ({self.seconds:.2f} s)" if timing else ""
        head = f"check {self.function} ({self.target}): "
        if not n_fail:
            return head + f"passed all {len(self.cases)} cases{took}"
        lines = textwrap.wrap(head + f"FAILED {n_fail} of {len(self.cases)} cases{took}", width)
        column = min(max(len(c.name) for c in self.cases), 22)
        for c in self.cases:
            lines += textwrap.wrap(f"  {'ok  ' if c.passed else 'FAIL'} {c.name:<{column}}  {c.description}", width,
                                   subsequent_indent=" " * (column + 9), break_on_hyphens=False)
        first = self.first_failure

        def wrapped(label: str, text: str) -> list[str]:
            return textwrap.wrap(f"{label}{text}", width, initial_indent="  ", subsequent_indent="      ",
                                 break_on_hyphens=False)

        lines += ["", *textwrap.wrap(f"first failing case: {first.name} ({first.inputs})", width,
                                     subsequent_indent="    ", break_on_hyphens=False)]
        lines += wrapped(f"{first.status}: ", first.differs)
        if first.window:
            lines += wrapped("window: ", first.window)
        for obs in self.observations:
            lines += wrapped("note: ", obs)
        lines += wrapped("likely cause: ", self.cause)
        return "\n".join(lines)

    def figure(self) -> Figure | None:
        """A figure of the first failing case: its window in the reference, the differing cell marked.

        Returns
        -------
        matplotlib.figure.Figure or None
            ``None`` when every case passed, or when the first failure has no
            window to show (a wrong type or shape, or a time-out, in
            ``conv_forward``, ``conv_backward``, ``pool_forward`` or ``pool_backward``).
        """
        if self.passed:
            return None
        if self._figure is None:
            from ..check_figure import draw

            self._figure = draw(self)
        return self._figure


def _summary(name: str, args: tuple) -> str:
    def one(label: str, x: Any) -> list[str]:
        if isinstance(x, np.ndarray):
            return [f"{label} {x.shape}"]
        if isinstance(x, dict):
            return [f"{k} {v}" for k, v in x.items()]
        if isinstance(x, tuple) and label == "cache":
            names = CACHE_NAMES["conv_forward" if len(x) == 4 else "pool_forward"]
            return [s for n, y in zip(names, x) for s in one(n, y)]
        return [f"{label} {x!r}"]

    return ", ".join(s for label, x in zip(PARAMETERS[name], args) for s in one(label, x))


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
    result = CaseResult(case.name, case.description, _summary(name, case.args), False, "", seconds=outcome.seconds)
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
