"""The report of a check: every case's verdict, and for the first failing one what differs, where and why.

:class:`CheckReport` is what :func:`tracer.check` returns; ``str(report)`` is
its text for a terminal and :meth:`CheckReport.figure` draws the first failing
window (matplotlib is imported only then).
"""

from __future__ import annotations

import base64
import copy
import html
import io
import shutil
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .cases import CACHE_NAMES, PARAMETERS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..recording import Trace
    from .cases import Case

__all__ = ["CaseResult", "CheckReport", "WIDTH", "summary", "terminal_width"]

WIDTH = 100  # columns of str(report)


def terminal_width() -> int:
    """Columns for a report: ``$COLUMNS``, else the terminal's, else 80; at least 40."""
    return max(40, shutil.get_terminal_size((80, 24)).columns)


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
        The output that differs (``"Z"``, ``"dA_prev"``, ``"grads"``...), when one does.
    entry : str
        The part of that output that differs when it is a container: a key
        (``"dW2"``) or a position (``"[1][1]"``, for ``caches[1][1]``).
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
    entry: str = ""
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
    failing_case : Case or None
        The first failing case of the battery, with its inputs (``None`` when all pass).
    reference_trace : Trace or None
        The reference function's trace of that case.
    expected : object
        What the reference returned on that case.
    received : object
        What the learner's function returned on it (``None`` when it raised,
        timed out or crashed).
    mistakes : list of Mistake
        The mistakes of the catalogue named in :attr:`cause`, most likely first
        (each with its ``category``, ``function``, ``before`` and ``after`` lines).
    """

    function: str
    target: str
    cases: list[CaseResult]
    cause: str | None = None
    observations: list[str] = field(default_factory=list)
    seconds: float = 0.0
    failing_case: Case | None = field(default=None, repr=False)
    reference_trace: Trace | None = field(default=None, repr=False)
    expected: Any = field(default=None, repr=False)
    received: Any = field(default=None, repr=False)
    mistakes: list[Any] = field(default_factory=list, repr=False)
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

    def text(self, width: int | None = None, timing: bool = True) -> str:
        """The report for a terminal (``str(report)`` is ``report.text()``).

        Parameters
        ----------
        width : int, optional
            Longest line, in characters (at least 40); by default the
            terminal's (``$COLUMNS``, or 80 when there is no terminal).
        timing : bool, optional
            Show how long the check took.
        """
        if width is None:
            width = terminal_width()
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
        hint = "report.case() gives these inputs; report.trace()"
        if first.focus is not None:
            hint += f" the reference trace at step {first.focus}"
        else:
            hint += " the reference trace"
        lines += wrapped("", hint)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Jupyter shows a report as HTML: each case's verdict, what differs, the cause and the figure."""
        esc = html.escape
        n_fail = sum(not c.passed for c in self.cases)
        verdict = (f"passed all {len(self.cases)} cases" if not n_fail
                   else f"<span style='color:#d62728'>FAILED {n_fail} of {len(self.cases)} cases</span>")
        parts = [f"<div class='tracer-check'><p><b>check <code>{esc(self.function)}</code></b> "
                 f"({esc(self.target)}): {verdict}</p>", "<table>"]
        for c in self.cases:
            mark = "<span style='color:#2ca02c'>ok</span>" if c.passed else "<b style='color:#d62728'>FAIL</b>"
            parts.append(f"<tr><td>{mark}</td><td><code>{esc(c.name)}</code></td><td>{esc(c.description)}</td></tr>")
        parts.append("</table>")
        first = self.first_failure
        if first is not None:
            parts.append(f"<p>first failing case: <code>{esc(first.name)}</code> ({esc(first.inputs)})</p><ul>")
            parts.append(f"<li><b>{esc(first.status)}</b>: {esc(first.differs)}</li>")
            if first.window:
                parts.append(f"<li><b>window</b>: {esc(first.window)}</li>")
            parts += [f"<li><b>note</b>: {esc(obs)}</li>" for obs in self.observations]
            parts.append(f"<li><b>likely cause</b>: {esc(self.cause or '')}</li></ul>")
            png = self._figure_png()
            if png is not None:
                data = base64.b64encode(png).decode("ascii")
                parts.append(f"<img alt='the first failing window' style='max-width:100%' "
                             f"src='data:image/png;base64,{data}'/>")
            parts.append("<p><code>report.case()</code> gives these inputs, <code>report.trace()</code> the "
                         "reference trace at that window.</p>")
        parts.append("</div>")
        return "".join(parts)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """The report as plain text and as HTML."""
        return {"text/plain": self.text(), "text/html": self._repr_html_()}

    def _figure_png(self) -> bytes | None:
        try:
            fig = self.figure()
        except Exception:  # noqa: BLE001 - no matplotlib, or nothing to draw: the HTML goes without it
            return None
        if fig is None:
            return None
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=72)
        return buffer.getvalue()

    def case(self) -> tuple | None:
        """The inputs of the first failing case, fresh copies ready to call: ``conv_forward(*report.case())``.

        Returns
        -------
        tuple or None
            The positional arguments, in the course's order; ``None`` when every case passed.
        """
        if self.failing_case is None:
            return None
        return copy.deepcopy(self.failing_case.args)

    def trace(self) -> Trace | None:
        """The reference trace of the first failing case, its cursor on the first wrong window or layer.

        ``report.trace().plot()`` draws that step; ``.next()`` and ``.prev()`` walk
        on from it. ``None`` when every case passed.
        """
        trace = self.reference_trace
        if trace is None:
            return None
        first = self.first_failure
        if len(trace):
            trace.goto(first.focus if first is not None and first.focus is not None else 0)
        return trace

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
            from ..render.check_figure import draw

            self._figure = draw(self)
        return self._figure


def summary(name: str, args: tuple) -> str:
    """The inputs of a case in a few words: shapes and parameters ("A_prev (2, 5, 5, 3), f 3, stride 1...")."""
    def arrays(d: dict) -> bool:
        return bool(d) and all(isinstance(v, np.ndarray) for v in d.values())

    def one(label: str, x: Any) -> list[str]:
        if isinstance(x, np.ndarray):
            return [f"{label} {x.shape}"]
        if isinstance(x, dict) and arrays(x):  # parameters, grads
            return [f"{label} {' '.join(f'{k} {v.shape}' for k, v in x.items())}"]
        if isinstance(x, dict):
            return [f"{k} {v}" for k, v in x.items()]
        if label == "cache" and isinstance(x, tuple):
            if len(x) == 2 and isinstance(x[0], tuple):  # ((A_prev, W, b), Z)
                return one("cache", x[0]) + one("Z", x[1])
            if len(x) == 3:
                return [s for n, y in zip(("A_prev", "W", "b"), x) for s in one(n, y)]
            names = CACHE_NAMES["conv_forward" if len(x) == 4 else "pool_forward"]
            return [s for n, y in zip(names, x) for s in one(n, y)]
        if label == "caches" and isinstance(x, (list, tuple)):
            return [f"caches of {len(x)} layer{'s' if len(x) != 1 else ''} (a {type(x).__name__})"]
        return [f"{label} {x!r}"]

    return ", ".join(s for label, x in zip(PARAMETERS[name], args) for s in one(label, x))
