"""Text pictures of trace steps, for a plain Python REPL (at most 80 columns).

Only formats what a trace recorded: the event and the replayed arrays.
Cells of the current window are written ``[ 1.23]``; cells not yet written are
``.``; big grids are cropped to the rows and columns around the window.
"""

from __future__ import annotations

import textwrap

import numpy as np

from . import events as ev
from .numbers import cell, step_label
from .recording import Call

WIDTH = 80
CELL = 8  # characters per cell: a 6-character number between brackets or spaces
MAX_CELLS = 10  # cells per row or column before the grid is cropped (10 * CELL = WIDTH)


def _span(lo: int, hi: int, n: int) -> range:
    """At most MAX_CELLS indices of ``range(n)`` that include ``lo:hi`` when possible."""
    if n <= MAX_CELLS:
        return range(n)
    mid = (lo + hi) // 2
    start = min(max(mid - MAX_CELLS // 2, 0), n - MAX_CELLS)
    return range(start, start + MAX_CELLS)


def _number(v: float) -> str:
    """``v`` in exactly 6 characters; ``.`` for a cell not written yet (NaN)."""
    return (cell(v, width=6) or ".").rjust(6)


def grid(
    title: str,
    x: np.ndarray,
    window: tuple[int, int, int, int] | None = None,
    marks: set[tuple[int, int]] = frozenset(),
    focus: tuple[int, int] | None = None,
    step: int = 1,
) -> str:
    """A 2-D array as text: ``window = (vert_start, vert_end, horiz_start, horiz_end)`` in brackets.

    ``marks`` are cells written with ``*`` after the number (the chosen maximum).
    ``step`` > 1 brackets every ``step``-th row and column of the window only
    (a dilated window). A grid larger than ``MAX_CELLS`` is cropped around the
    window, or around the cell ``focus = (row, col)`` when given. Every line
    fits in ``WIDTH``.
    """
    x = np.asarray(x, dtype=float)
    vs, ve, hs, he = window if window is not None else (0, 0, 0, 0)
    fr, fc = ((vs + ve) // 2, (hs + he) // 2) if focus is None else focus
    rows, cols = _span(fr, fr + 1, x.shape[0]), _span(fc, fc + 1, x.shape[1])
    cropped = len(rows) < x.shape[0] or len(cols) < x.shape[1]
    head = f"{title}  ({x.shape[0]}x{x.shape[1]}" + (f", rows {rows[0]}-{rows[-1]}, cols {cols[0]}-{cols[-1]} shown)" if cropped else ")")
    lines = [textwrap.fill(head, WIDTH, subsequent_indent="  ")]
    for r in rows:
        cells = []
        for c in cols:
            v = x[r, c]
            body = _number(v)
            inside = vs <= r < ve and hs <= c < he and (r - vs) % step == 0 and (c - hs) % step == 0
            star = "*" if (r, c) in marks else " "
            cells.append(f"[{body}]" if inside else f" {body}{star}")
            if inside and star == "*":
                cells[-1] = f"[{body}*"
        lines.append("".join(cells))
    return "\n".join(lines)


def _win(e: ev._Window) -> tuple[int, int, int, int]:
    return (e.vert_start, e.vert_end, e.horiz_start, e.horiz_end)


def ordinal(n: int) -> str:
    """``2nd``, ``3rd``, ``11th``..."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _spread(d: int) -> str:
    return f" (dilation {d}: the window reads every {ordinal(d)} row and column)" if d > 1 else ""


def step_text(event: ev.Event, call: Call, state: dict[str, np.ndarray], k: int, n: int) -> str:
    """The text picture of step ``k`` of ``n``: a caption, then the grids it touches."""
    a = call.arrays
    d = call.params.get("dilation", 1)
    head = textwrap.fill(f"{step_label(k, n)}  {call.name}: {event.describe()}{_spread(d)}", WIDTH,
                         subsequent_indent="  ")
    parts = [head]
    if isinstance(event, ev.Pad):
        key = "X_pad" if "X_pad" in state else "A_prev_pad"
        p = event.pad
        padded = state[key][0, :, :, 0]
        parts.append(grid(f"{key}[0, :, :, 0]: the original cells in brackets, the added zeros around them",
                          padded, (p, padded.shape[0] - p, p, padded.shape[1] - p), focus=(0, 0)))
    elif isinstance(event, ev.ConvWindow):
        n_C_prev = a["A_prev"].shape[3]
        chan = f"channel 0 of {n_C_prev}" + (" (the sum runs over every channel)" if n_C_prev > 1 else "")
        parts.append(grid(f"A_prev_pad[{event.i}, :, :, 0], {chan}", state["A_prev_pad"][event.i, :, :, 0],
                          _win(event), step=d))
        parts.append(grid(f"W[:, :, 0, {event.c}], b = {a['b'][0, 0, 0, event.c]:.4g}", a["W"][:, :, 0, event.c]))
        parts.append(grid(f"Z[{event.i}, :, :, {event.c}] so far", state["Z"][event.i, :, :, event.c],
                          (event.h, event.h + 1, event.w, event.w + 1)))
    elif isinstance(event, ev.PoolWindow):
        marks = {(event.max_row, event.max_col)} if event.mode == "max" else set()
        parts.append(grid(f"A_prev[{event.i}, :, :, {event.c}]" + (" (* marks the max)" if marks else ""),
                          a["A_prev"][event.i, :, :, event.c], _win(event), marks))
        parts.append(grid(f"A[{event.i}, :, :, {event.c}] so far", state["A"][event.i, :, :, event.c],
                          (event.h, event.h + 1, event.w, event.w + 1)))
    elif isinstance(event, ev.ConvBackWindow):
        parts.append(grid(f"dA_prev_pad[{event.i}, :, :, 0] so far", state["dA_prev_pad"][event.i, :, :, 0],
                          _win(event), step=d))
        parts.append(grid(f"dW[:, :, 0, {event.c}] so far, db[{event.c}] = {state['db'][0, 0, 0, event.c]:.4g}",
                          state["dW"][:, :, 0, event.c]))
    elif isinstance(event, ev.PoolBackWindow):
        parts.append(grid(f"A_prev[{event.i}, :, :, {event.c}]", a["A_prev"][event.i, :, :, event.c], _win(event)))
        parts.append(grid(f"dA_prev[{event.i}, :, :, {event.c}] so far", state["dA_prev"][event.i, :, :, event.c], _win(event)))
    elif isinstance(event, ev.SingleStep):
        parts.append(grid("a_slice_prev[:, :, 0]", a["a_slice_prev"][:, :, 0]))
        parts.append(grid("W[:, :, 0]", a["W"][:, :, 0]))
    elif isinstance(event, ev.Mask):
        x = a["x"]
        parts.append(grid("x (* marks the maxima)", x, None, {tuple(map(int, rc)) for rc in np.argwhere(state["mask"])}))
    elif isinstance(event, ev.Distribute):
        parts.append(grid("a", state["a"]))
    elif isinstance(event, (ev.Scatter, ev.ScatterBack)):
        cell = (event.h, event.h + 1, event.w, event.w + 1)
        if isinstance(event, ev.Scatter):
            parts.append(grid(f"A_prev[{event.i}, :, :, 0], the input cell in brackets", a["A_prev"][event.i, :, :, 0], cell))
            parts.append(grid(f"W[:, :, 0, {event.c}]", a["W"][:, :, 0, event.c]))
            parts.append(grid(f"Z_full[{event.i}, :, :, {event.c}] so far, its block in brackets",
                              state["Z_full"][event.i, :, :, event.c], _win(event)))
        else:
            parts.append(grid(f"dZ_full[{event.i}, :, :, {event.c}], the block read in brackets",
                              state["dZ_full"][event.i, :, :, event.c], _win(event)))
            parts.append(grid(f"dA_prev[{event.i}, :, :, 0] so far", state["dA_prev"][event.i, :, :, 0], cell))
            parts.append(grid(f"dW[:, :, 0, {event.c}] so far", state["dW"][:, :, 0, event.c]))
    elif isinstance(event, (ev.Crop, ev.Uncrop)):
        name = "Z_full" if isinstance(event, ev.Crop) else "dZ_full"
        full = state[name][0, :, :, 0]
        kept = (event.pad, full.shape[0] - event.pad, event.pad, full.shape[1] - event.pad)
        what = "the cells kept in Z" if isinstance(event, ev.Crop) else "dZ"
        parts.append(grid(f"{name}[0, :, :, 0]: {what} in brackets", full, kept, focus=(0, 0)))
        if isinstance(event, ev.Crop):
            parts.append(grid(f"Z[0, :, :, 0] = the cut plus b = {a['b'][0, 0, 0, 0]:.4g}", state["Z"][0, :, :, 0]))
    else:
        written = [name for name, role in event.roles(call.name).items() if role == ev.WRITE]
        for name in written:
            if name in state and np.ndim(state[name]) == 2:
                parts.append(grid(f"{name} after this step", state[name]))
    return "\n\n".join(parts)
