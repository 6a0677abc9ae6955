"""Running a check: the battery, each case in isolation, comparison, the window, the cause, the report.

:func:`check` (``tracer.check``) is the whole check of one function: it runs
the learner's function on every case of :func:`~tracer.checker.battery.battery`
in a child process (:mod:`~tracer.checker.isolation`), compares each result
with the reference's (:mod:`~tracer.checker.compare`), and for the first
failing case locates the window responsible in the reference trace
(:mod:`~tracer.checker.locate`) and looks for the cause
(:mod:`~tracer.checker.diagnose`). From a shell, ``python -m tracer check
solution.py`` checks every course function a file defines (:func:`tracer.cli.check_main`).
"""

from __future__ import annotations

import copy
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

__all__ = ["check", "CheckReport", "CaseResult", "FUNCTIONS", "battery"]


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
        report.failing_case, report.reference_trace, report.expected = case, trace, expected
        report.received = outcomes[k].value if outcomes[k].kind == "returned" else None
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
