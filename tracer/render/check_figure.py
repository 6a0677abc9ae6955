"""The figure of a failing check: the reference's window, with the differing cell marked.

Draws step ``k`` of the reference trace with :func:`tracer.render.plot` (the
window responsible for the first difference), then outlines the differing
cell in red on the grid that shows it and writes what differs under the
header. Imported by :meth:`tracer.checker.report.CheckReport.figure` only,
when a figure is asked for, so that :mod:`tracer.checker` never imports
matplotlib.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from matplotlib.patches import Rectangle

from .renderer import plot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..checker import CheckReport

__all__ = ["draw", "MARK_COLOR"]

#: Colour of the differing cell's outline and of the note.
MARK_COLOR = "#d62728"


#: Functions whose reference trace is one step: their figure is that step, whatever differs.
_SINGLE_STEP = ("zero_pad", "conv_single_step", "create_mask_from_window", "distribute_value")


def _target(report: CheckReport) -> tuple[str, int, int, int | None] | None:
    """``(grid title, row, col, channel to show)`` of the differing element, or ``None``."""
    first = report.first_failure
    idx, out = first.index, first.output
    if idx is None or first.status != "wrong values":
        return None
    name = report.function
    if name == "conv_single_step":
        return None
    if out in ("Z", "A"):
        i, h, w, c = idx
        return f"{out}[{i}, :, :, {c}]", h, w, None
    if name == "conv_backward":
        pad = report.reference_trace.calls[-1].params["pad"]
        if out == "dA_prev":
            i, r, col, cp = idx
            return f"dA_prev_pad[{i}, :, :, {cp}]", r + pad, col + pad, cp
        if out == "dW":
            a, b, cp, c = idx
            return f"dW[:, :, {cp}, {c}]", a, b, cp
        if out == "db":
            return f"db[{idx[3]}]", 0, 0, None
    if name == "pool_backward":
        i, r, col, c = idx
        return f"dA_prev[{i}, :, :, {c}]", r, col, None
    if name == "zero_pad":
        i, r, col, c = idx
        return f"X_pad[{i}, :, :, {c}]", r, col, c
    if name == "create_mask_from_window":
        return "mask", idx[0], idx[1], None
    if name == "distribute_value":
        return "a, shape", idx[0], idx[1], None
    return None


def _add_note(fig: Figure, note: str, header: float = 0.5) -> None:
    """Write ``note`` under the figure's header, making room: the figure grows, nothing moves."""
    W, H = fig.get_size_inches()
    extra = 0.45 + 0.2 * note.count("\n")
    H_new = H + extra
    fig.set_size_inches(W, H_new)
    for ax in fig.axes:
        pos = ax.get_position()
        ax.set_position((pos.x0, pos.y0 * H / H_new, pos.width, pos.height * H / H_new))
    for text in fig.texts:
        x, y = text.get_position()
        top = y * H > H - header  # the header keeps its distance to the top
        text.set_position((x, (y * H + (extra if top else 0.0)) / H_new))
    fig.text(0.5, 1 - (header + 0.05) / H_new, note, ha="center", va="top", fontsize=10, color=MARK_COLOR)


def draw(report: CheckReport) -> Figure | None:
    """Draw the first failing case of ``report`` (see :meth:`tracer.checker.report.CheckReport.figure`).

    Returns
    -------
    Figure or None
        ``None`` when every case passed, or when the first failure has no window
        to show (a wrong type or shape, or a time-out, in a windowed function).
    """
    first = report.first_failure
    trace = report.reference_trace if first is not None else None
    if trace is None or len(trace) == 0:
        return None
    target = _target(report)
    single = report.function in _SINGLE_STEP
    if first.focus is None and not single:
        return None
    k = first.focus if first.focus is not None else 0
    fig = plot(trace, k, channel=target[3] if target else None)
    marked = False
    if target is not None:
        title, row, col, _ = target
        for ax in fig.axes:
            titles = [ax.get_title()] + [t.get_text() for t in ax.texts]  # a grid's title may be a text above it
            if any(t.split("\n")[0].startswith(title) for t in titles):
                ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, ec=MARK_COLOR, lw=3.5, zorder=6))
                marked = True
                break
    note = f"your {report.function}, case {first.name}: {first.differs}"
    if marked:
        note += " (red outline)"
    _add_note(fig, textwrap.fill(note, 140))
    return fig
