"""The figure of a failing check: the reference's window, the learner's value beside it, the differing cell marked.

Draws step ``k`` of the reference trace with :func:`tracer.render.plot` (the
window or layer responsible for the first difference), outlines the
differing cell in red on the grid that shows it, adds on the right the same
slice of the learner's result with that cell outlined too, and writes what
differs under the header. The figure grows to hold what it adds, and every
text is kept inside it. Imported by :meth:`tracer.checker.report.CheckReport.figure`
only, so that the checker itself never imports matplotlib.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

from .grid import Grid
from .renderer import plot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..checker import CheckReport

__all__ = ["draw", "MARK_COLOR", "YOURS_COLOR"]

#: Colour of the differing cell's outline on the reference, and of the note.
MARK_COLOR = "#d62728"
#: Colour of the learner's slice: its title and the outline of its differing cell.
YOURS_COLOR = "#e6550d"


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
    if first.entry and out in ("grads", "parameters") and len(idx) == 2:
        return first.entry, idx[0], idx[1], None
    if len(idx) == 2:  # the network's standalone calls: Z, A, dA_prev, dW, db
        return out, idx[0], idx[1], None
    return None


def _received_array(report: CheckReport) -> np.ndarray | None:
    """The learner's array that differs first (an output, a dict entry or a cache entry)."""
    from ..checker.cases import OUTPUTS

    first, value = report.first_failure, report.received
    outs = OUTPUTS[report.function]
    try:
        if len(outs) > 1:
            value = value[outs.index(first.output)]
        entry = first.entry
        if entry and not entry.startswith("["):
            value = value[entry]
        elif entry:
            for part in entry.strip("[]").split("]["):
                value = value[int(part)]
    except (TypeError, KeyError, IndexError, ValueError):
        return None
    return value if isinstance(value, np.ndarray) else None


def _yours(report: CheckReport) -> tuple[str, np.ndarray, int, int] | None:
    """``(title, 2-D slice of the learner's array, row, col)`` around the first differing element."""
    first = report.first_failure
    value, idx = _received_array(report), first.index
    if value is None or idx is None or first.status != "wrong values" or value.shape == ():
        return None
    label = f"{first.output}[{first.entry!r}]" if first.entry and not first.entry.startswith("[") else (
        first.output + first.entry)
    if value.ndim == 4 and report.function in ("conv_backward",) and first.output == "dW":
        a, b, cp, c = idx
        return f"yours: {label}[:, :, {cp}, {c}]", value[:, :, cp, c], a, b
    if value.ndim == 4:
        i, r, col, c = idx
        return f"yours: {label}[{i}, :, :, {c}]", value[i, :, :, c], r, col
    if value.ndim == 2:
        return f"yours: {label}", value, idx[0], idx[1]
    if value.ndim == 3 and len(idx) == 3:  # a slice of conv_single_step
        return f"yours: {label}[:, :, {idx[2]}]", value[:, :, idx[2]], idx[0], idx[1]
    return None


def _grid_cell(fig: Figure, title: str) -> tuple[Any, float] | None:
    """The axes whose grid title starts with ``title``, and its cell size in inches."""
    W, H = fig.get_size_inches()
    for ax in fig.axes:
        if not ax.images:  # a grid draws its cells as an image; diagrams and boxes do not
            continue
        titles = [ax.get_title()] + [t.get_text() for t in ax.texts]
        if any(t.split("\n")[0].startswith(title) for t in titles):
            x0, x1 = ax.get_xlim()
            return ax, ax.get_position().width * W / max(abs(x1 - x0), 1)
    return None


def _add_yours(fig: Figure, yours: tuple[str, np.ndarray, int, int], beside: Any | None, cell: float) -> None:
    """Widen the figure by one panel on the right and draw the learner's slice there, its cell outlined."""
    title, values, row, col = yours
    labels = np.where(values, "True", "False") if values.dtype == bool else None
    values = np.asarray(values, dtype=float)
    n_rows, n_cols = values.shape if values.ndim == 2 else (1, values.size)
    values = values.reshape(n_rows, n_cols)
    cell = float(np.clip(cell, 0.18, 0.5))
    W, H = fig.get_size_inches()
    extra = n_cols * cell + 1.0
    W_new = W + extra
    fig.set_size_inches(W_new, H)
    for ax in fig.axes:
        pos = ax.get_position()
        ax.set_position((pos.x0 * W / W_new, pos.y0, pos.width * W / W_new, pos.height))
    for text in fig.texts:
        x, y = text.get_position()
        text.set_position((x * W / W_new, y))
    if beside is not None:
        mid = beside.get_position().y0 + beside.get_position().height / 2
    else:
        mid = 0.5
    h = n_rows * cell / H
    ax = fig.add_axes(((W + 0.5) / W_new, mid - h / 2, n_cols * cell / W_new, h))
    vmax = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    grid = Grid(ax, (n_rows, n_cols), cell, vmax or 1.0, title)
    grid.set_values(values, labels=None if labels is None else labels.reshape(n_rows, n_cols))
    ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, ec=YOURS_COLOR, lw=3.5, zorder=6))
    grid.title.set_color(YOURS_COLOR)


def _keep_inside(fig: Figure, margin: float = 0.08) -> None:
    """Widen or heighten the figure until every text lies inside it (nothing moves relative to the rest)."""
    canvas = FigureCanvasAgg(fig) if fig.canvas is None or not hasattr(fig.canvas, "get_renderer") else fig.canvas
    renderer = canvas.get_renderer()
    W, H = fig.get_size_inches()
    dpi = fig.dpi
    texts = list(fig.texts) + [t for ax in fig.axes for t in ax.texts]
    left = right = top = 0.0
    for t in texts:
        if not t.get_visible() or not t.get_text():
            continue
        box = t.get_window_extent(renderer)
        left = max(left, margin - box.x0 / dpi)
        right = max(right, box.x1 / dpi - (W - margin))
        top = max(top, box.y1 / dpi - (H - margin))
    grow = max(left, right)
    if grow <= 0 and top <= 0:
        return
    W_new, H_new = W + 2 * max(grow, 0), H + max(top, 0)
    fig.set_size_inches(W_new, H_new)
    dx = max(grow, 0)
    for ax in fig.axes:
        pos = ax.get_position()
        ax.set_position(((pos.x0 * W + dx) / W_new, pos.y0 * H / H_new, pos.width * W / W_new, pos.height * H / H_new))
    for text in fig.texts:
        x, y = text.get_position()
        text.set_position(((x * W + dx) / W_new, y * H / H_new))


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
    marked, beside, cell = False, None, 0.4
    if target is not None:
        title, row, col, _ = target
        found = _grid_cell(fig, title)
        if found is not None:
            beside, cell = found
            beside.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, ec=MARK_COLOR, lw=3.5, zorder=6))
            marked = True
    yours = _yours(report)
    if yours is not None:
        _add_yours(fig, yours, beside, cell)
    note = f"your {report.function}, case {first.name}: {first.differs}"
    if marked:
        note += " (red outline" + ("; yours on the right, in orange)" if yours else ")")
    width_chars = max(40, int(fig.get_size_inches()[0] * 72 / (10 * 0.6)))
    _add_note(fig, textwrap.fill(note, width_chars))
    _keep_inside(fig)
    return fig
