"""Running a check: the battery, each case in isolation, comparison, the window, the cause, the report.

:func:`check` (``tracer.check``) is the whole check of one function: it runs
the learner's function on every case of :func:`~tracer.checker.cases.battery`
in a child process (:mod:`~tracer.checker.isolation`), compares each result
with the reference's, computed in a process the learner's code never touched
(:mod:`~tracer.checker.reference`, :mod:`~tracer.checker.compare`), and for
the first failing case locates the window or layer responsible in the
reference trace (:mod:`~tracer.checker.locate`) and looks for the cause
(:mod:`~tracer.checker.diagnose`). :func:`check_file` checks every course
function a learner's file defines, importing the file in a child process
(:mod:`~tracer.checker.host`); ``python -m tracer check solution.py`` prints it
(:func:`tracer.cli.check_main`).
"""

from __future__ import annotations

import html
import math
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import reference
from .cases import DILATABLE, FUNCTIONS, PARAMETERS, Case, battery, check_dilation, check_name
from .compare import Difference, compare
from .catalogue import helpers
from .diagnose import diagnose, observations
from .evidence import Source
from .host import DEFAULT_IMPORT_TIMEOUT, FileHost
from .isolation import DEFAULT_MEMORY, DEFAULT_TIMEOUT, MAX_TIMEOUT, Outcome, run_isolated
from .locate import locate
from .notebook import definitions
from .report import CaseResult, CheckReport, summary

__all__ = [
    "check", "check_file", "check_notebook", "judge", "FileCheck", "CheckReport",
    "CaseResult", "FUNCTIONS", "battery", "check_timeout", "check_memory",
]

#: Runs the learner's function on one case's arguments.
Runner = Callable[[tuple], Outcome]


def check_timeout(where: str, timeout: Any, what: str = "timeout") -> float:
    """``timeout`` as a float: a finite number of seconds above 0 and at most :data:`MAX_TIMEOUT`."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0 \
            or not math.isfinite(timeout) or timeout > MAX_TIMEOUT:
        raise ValueError(f"{where}: {what} must be a positive number of seconds, got {timeout!r} "
                         f"(finite, at most {MAX_TIMEOUT:g})")
    return float(timeout)


def check_memory(where: str, memory: Any) -> int | None:
    """``memory`` in megabytes: an int of at least 64, or ``None`` for no cap."""
    if memory is None:
        return None
    if isinstance(memory, bool) or not isinstance(memory, int) or memory < 64:
        raise ValueError(f"{where}: memory must be a number of megabytes >= 64, or None for no cap, got {memory!r}")
    return memory


def check(fn: Callable, *, name: str | None = None, figure: bool = False, timeout: float = DEFAULT_TIMEOUT,
          memory: int | None = DEFAULT_MEMORY, dilation: bool = False) -> CheckReport:
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
        Seconds each case may take before it fails as "timed out"; a function
        that times out is not run again on the remaining cases.
    memory : int or None, optional
        Megabytes of memory each case may add to its process (``None``: no cap).
    dilation : bool, optional
        For a ``conv_forward`` or ``conv_backward`` that takes a ``"dilation"`` key
        (beyond the course): add cases with dilations 1 to 3 to the course's battery.

    Returns
    -------
    CheckReport
        ``report.passed``, ``report.cases``, and ``str(report)`` for a terminal.

    Notes
    -----
    Each case runs in a forked child process on copies of its inputs (about
    10 ms of overhead per case); a learner's function sees the globals of its
    own module, so it may call its own helpers by name. The expected results
    come from a separate interpreter, started once per session, so a change
    to numpy or tracer made in this process cannot change them. Without
    ``fork`` (Windows), a case that times out keeps running in a background
    thread.
    """
    if not callable(fn):
        raise TypeError(f"check: fn must be a function, got {type(fn).__name__}")
    if name is None:
        name = getattr(fn, "__name__", None)
        if name not in FUNCTIONS:
            raise ValueError(f"check: cannot tell which course function fn is from its name {name!r}; "
                             f"pass name= one of {list(FUNCTIONS)}")
    check_name("check", name)
    timeout = check_timeout("check", timeout)
    memory = check_memory("check", memory)
    if not isinstance(figure, bool):
        raise TypeError(f"check: figure must be True or False, got {figure!r}")
    dilation = check_dilation("check", name, dilation)
    names = PARAMETERS[name]
    report = judge(name, _target(fn), reference.clean(name, dilation),
                   lambda args: run_isolated(fn, args, names, timeout, memory), source=_source_of(fn))
    if figure:
        report.figure()
    return report


def judge(name: str, target: str, refs: reference.References, run: Runner, source: Source | None = None,
          helpers: dict[str, bool] | None = None) -> CheckReport:
    """Run ``run`` on every case of ``refs`` and build the report (the engine of :func:`check`).

    After a case times out, the remaining cases are not run: they are reported
    as timed out, "not run again". ``source`` (the learner's code, read) and
    ``helpers`` (``helper -> passed`` for the learner's own helpers) are the
    diagnosis's tie-breaks (:func:`~tracer.checker.diagnose.diagnose`).
    """
    start = time.perf_counter()
    outcomes, results, diffs = [], [], []
    timed_out = ""
    for case, expected in zip(refs.cases, refs.expected):
        if timed_out:
            outcome = Outcome("skipped", error=f"not run again: it timed out on case {timed_out}")
        else:
            outcome = run(case.args)
            if outcome.kind == "timeout":
                timed_out = case.name
        diff, result = _judge(name, case, expected, outcome)
        outcomes.append(outcome)
        results.append(result)
        diffs.append(diff)

    failed = [not r.passed for r in results]
    report = CheckReport(name, target, results, seconds=0.0)
    if any(failed):
        k = failed.index(True)
        case, first = refs.cases[k], results[k]
        trace = refs.trace(k)
        window = locate(name, case, trace, diffs[k], outcomes[k], refs.expected[k])
        if window is not None:
            first.window, first.steps, first.focus = window.text, window.steps, window.focus
        probe_run = None if timed_out else run
        report.observations = observations(name, refs, failed, probe_run)
        found = diagnose(name, refs.cases, outcomes, results, refs.expected, source=source, helpers=helpers)
        report.cause, report.mistakes = found.text, found.mistakes
        report.failing_case, report.reference_trace, report.expected = case, trace, refs.expected[k]
        report.received = outcomes[k].value if outcomes[k].kind == "returned" else None
    report.seconds = time.perf_counter() - start
    return report


@dataclass
class FileCheck:
    """What :func:`check_file` found: a report per function, or why the file could not be checked.

    Attributes
    ----------
    path : Path
        The file, resolved.
    reports : list of CheckReport
        One per course function checked, in course order.
    problem : str
        Why the file could not be checked (empty when it could): it does not
        exist, its import failed, hung, exited or left a thread running, or
        it defines none of the functions asked for.
    import_seconds : float
    source : Definitions or None
        For a notebook, the definitions that were checked (:func:`~tracer.checker.notebook.definitions`).
    """

    path: Path
    reports: list[CheckReport] = field(default_factory=list)
    problem: str = ""
    import_seconds: float = 0.0
    source: Any = field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        """Whether the file could be checked and every function passed."""
        return not self.problem and all(r.passed for r in self.reports)

    @property
    def exit_code(self) -> int:
        """0 when every function passed, 1 when one failed, 2 when the file could not be checked."""
        if self.problem or not self.reports:
            return 2
        return 0 if self.passed else 1

    def _repr_html_(self) -> str:
        """Jupyter shows the check of a file as the HTML of each report."""
        if self.problem:
            return f"<p><b>could not check {html.escape(self.path.name)}</b>: {html.escape(self.problem)}</p>"
        n_ok = sum(r.passed for r in self.reports)
        return (f"<p><b>{html.escape(self.path.name)}</b>: {n_ok} of {len(self.reports)} function(s) passed</p>"
                + "".join(r._repr_html_() for r in self.reports))

    def __repr__(self) -> str:
        if self.problem:
            return f"<FileCheck {self.path.name}: could not check: {self.problem}>"
        n_ok = sum(r.passed for r in self.reports)
        return f"<FileCheck {self.path.name}: {n_ok} of {len(self.reports)} function(s) passed>"


def check_file(path: Any, *, only: Sequence[str] | None = None, timeout: float = DEFAULT_TIMEOUT,
               memory: int | None = DEFAULT_MEMORY, import_timeout: float = DEFAULT_IMPORT_TIMEOUT,
               progress: Callable[[CheckReport], None] | None = None, paths: Sequence[Any] = (),
               label: str | None = None, dilation: bool = False) -> FileCheck:
    """Check every course function that the learner's file ``path`` defines.

    The file is imported in a child process (:class:`~tracer.checker.host.FileHost`),
    never in this one, and the expected results are computed here; a file that
    patches numpy or tracer, hangs, exits or reads stdin at import cannot
    change or stop the verdict.

    Parameters
    ----------
    path : path-like
        The learner's file; resolved before the import.
    only : sequence of str, optional
        Check only these functions (each one of :data:`FUNCTIONS`).
    timeout, memory : optional
        Per case, as for :func:`check`.
    import_timeout : float, optional
        Seconds the import may take, threads it starts included.
    progress : callable, optional
        Called with each report as soon as it is ready.
    paths : sequence of path-like, optional
        Folders the file may import from, besides its own.
    label : str, optional
        The name the reports give the file (default: its own).
    dilation : bool, optional
        Add the dilated cases to the batteries of ``conv_forward`` and
        ``conv_backward`` (see :func:`check`); the other functions keep theirs.

    Returns
    -------
    FileCheck
        ``exit_code`` is what ``python -m tracer check`` exits with.
    """
    timeout = check_timeout("check_file", timeout)
    import_timeout = check_timeout("check_file", import_timeout, "import_timeout")
    memory = check_memory("check_file", memory)
    if not isinstance(dilation, bool):
        raise TypeError(f"check_file: dilation must be True or False, got {dilation!r}")
    wanted = list(FUNCTIONS) if only is None else [check_name("check_file", n) for n in only]
    resolved = Path(path).expanduser().resolve()
    result = FileCheck(resolved)
    if not resolved.is_file():
        result.problem = f"no such file: {path}"
        return result
    with FileHost(resolved, wanted, import_timeout, memory, paths=[Path(p).resolve() for p in paths]) as host:
        imported = host.start()
        result.import_seconds = imported.seconds
        if not imported.ok:
            result.problem = imported.problem
            return result
        if not imported.functions:
            which = (f"the function {wanted[0]}" if len(wanted) == 1
                     else f"any of the course functions ({', '.join(wanted)})")
            result.problem = f"{path} does not define {which}"
            return result
        text = _read_text(resolved)
        done: dict[str, CheckReport] = {}

        def checked(name: str) -> CheckReport:
            """The report of ``name``, the learner's own helpers it calls checked first (their verdicts
            tell the diagnosis whether a helper's mistake can be the cause)."""
            if name not in done:
                own = [h for h in helpers(name) if h in imported.functions]
                for h in own:
                    checked(h)
                refs = reference.local(name, dilation and name in DILATABLE)
                done[name] = judge(name, f"{name} from {label or resolved.name}", refs,
                                   lambda args, n=name, a=PARAMETERS[name]: host.run(n, args, a, timeout, memory),
                                   source=Source.read(text, name), helpers={h: done[h].passed for h in own})
            return done[name]

        for name in imported.functions:
            report = checked(name)
            result.reports.append(report)
            if progress is not None:
                progress(report)
    return result


def _read_text(path: Path) -> str | None:
    """A learner's file as text, read and never run; ``None`` when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _source_of(fn: Callable) -> Source | None:
    """The source of the module that defines ``fn`` (or of ``fn`` alone), read, for the diagnosis's tie-breaks."""
    import inspect

    name = getattr(fn, "__name__", None)
    for get in (lambda: inspect.getsource(inspect.getmodule(fn)), lambda: inspect.getsource(fn)):
        try:
            return Source.read(get(), name)
        except Exception:  # noqa: BLE001,S112 - a function without source (a lambda, a builtin, a REPL)
            continue
    return None


def _judge(name: str, case: Case, expected: Any, outcome: Outcome) -> tuple[Difference | None, CaseResult]:
    result = CaseResult(case.name, case.description, summary(name, case.args), False, "", seconds=outcome.seconds)
    diff = None
    if outcome.kind == "raised":
        result.status = "raised"
        result.differs = outcome.error + (f" (at {outcome.where})" if outcome.where else "")
        if outcome.error_type == "MemoryError":
            result.differs += " (a case may use at most its memory cap, memory= / --memory)"
    elif outcome.kind in ("timeout", "skipped"):
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
            result.entry = diff.entry
            if outcome.modified and diff.status != "modified input":
                result.differs += f"; it also changed its input {', '.join(outcome.modified)}"
    return diff, result


def _target(fn: Callable) -> str:
    qual = getattr(fn, "__name__", repr(fn))
    code = getattr(fn, "__code__", None)
    return f"{qual} from {Path(code.co_filename).name}" if code is not None else qual


def check_notebook(path: Any, *, only: Sequence[str] | None = None, timeout: float = DEFAULT_TIMEOUT,
                   memory: int | None = DEFAULT_MEMORY, import_timeout: float = DEFAULT_IMPORT_TIMEOUT,
                   progress: Any = None, dilation: bool = False) -> Any:
    """Check the course functions a learner's notebook defines, without running the rest of it.

    Parameters
    ----------
    path : path-like
        A ``.ipynb`` notebook, or a notebook exported to ``.py``.
    only, timeout, memory, import_timeout, progress, dilation :
        As for :func:`tracer.checker.check_file`.

    Returns
    -------
    FileCheck
        With ``source`` set to the definitions checked (a :class:`Definitions`).

    Examples
    --------
    >>> result = tracer.check_notebook("C4W1.ipynb")  # doctest: +SKIP
    >>> result.exit_code  # doctest: +SKIP
    1
    """
    resolved = Path(path).expanduser().resolve()
    if not resolved.is_file():
        return FileCheck(resolved, problem=f"no such file: {path}")
    try:
        found = definitions(resolved, FUNCTIONS if only is None else only)
    except Exception as exc:  # noqa: BLE001 - an unreadable notebook is a problem to report
        return FileCheck(resolved, problem=f"cannot read {resolved.name}: {type(exc).__name__}: {exc}")
    if not found.functions:
        which = "any of the course functions" if only is None else f"the function {', '.join(only)}"
        return FileCheck(resolved, problem=f"{path} does not define {which}", source=found)
    with tempfile.TemporaryDirectory(prefix="tracer-notebook-") as folder:
        module = Path(folder) / f"{re.sub(r'[^0-9A-Za-z_]', '_', resolved.stem)}_definitions.py"
        module.write_text(found.source, encoding="utf-8")
        result = check_file(module, only=list(found.functions), timeout=timeout, memory=memory,
                            import_timeout=import_timeout, progress=progress, paths=[resolved.parent],
                            label=resolved.name, dilation=dilation)
    result.path, result.source = resolved, found
    return result
