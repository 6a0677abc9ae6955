"""Drawings of the L-layer network's events: the layers as boxes, the step's arrays as grids.

The top row draws the network as it stands at the step: one box per layer with
the shapes of ``W``, ``b``, ``Z`` and ``A`` (and of their gradients, for the
backward pass), the current layer outlined, what the step writes in yellow, the
cache entries it keeps or reads in green, and, for backward steps, the path of
the gradient from the cost back to the current layer in blue. The bottom row
shows the arrays of the step itself as grids of numbers (``W @ A_prev + b = Z``,
``Z -> A``, ``dZ -> dW, db, dA_prev``...).

Like :mod:`tracer.render.scenes`, it reads only what the trace recorded (the
event, the call's stored arrays, the replayed state) and computes nothing but
positions. The drawer is registered in :data:`tracer.render.DRAWERS` for every
network event, so ``render.plot(trace, k)`` and ``render.write_player`` draw
network traces too.

Examples
--------
>>> import numpy as np, tracer
>>> from tracer import render
>>> params = tracer.initialize_parameters_deep([3, 2, 1])
>>> with tracer.record() as trace:
...     AL, caches = tracer.L_model_forward(np.ones((3, 2)), params)
>>> fig = render.plot(trace, 1)   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import events as ev
from ..events import CACHE, READ, WRITE
from ..numbers import number
from ..recording import Call
from .glyphs import axes_text
from .grid import Grid, Panel, place_panels
from .style import (ADDED, ADDED_FILL, CHOSEN, CHOSEN_FILL, CURRENT_FILL, DIGITS, FOOTER, GRID_LINE, HEADER, INK,
                    MUTED, NOTE, ROW_HEIGHT, SIDE, value_range)

__all__ = ["draw_network_step", "network_columns", "MAX_GRID"]

#: Arrays with more rows or columns than this are not drawn as grids (their shape still is).
MAX_GRID = 24

DONE_FILL = "#eeeeee"  # forward arrays already computed
GRAD_DONE_FILL = "#e4eef7"  # gradients already computed
PENDING_INK = "#a0a0a0"  # arrays not computed yet



@dataclass(frozen=True)
class Column:
    """One box of the diagram: a title and the names of the arrays it lists, in order."""

    title: str
    names: tuple[str, ...]
    layer: int  # 1..L for layers, 0 for the input, -1 for the cost


def _layer_names(l: int, L: int, backward: bool) -> tuple[str, ...]:
    forward = (f"W{l}", f"b{l}", f"Z{l}", "AL" if (backward and l == L) else f"A{l}")
    if not backward:
        return forward
    return forward + ("dAL" if l == L else f"dA{l}", f"dZ{l}", f"dW{l}", f"db{l}")


def network_columns(call: Call) -> list[Column]:
    """The boxes drawn for a recorded network call, input first and cost (if any) last."""
    name, L = call.name, call.params.get("L", 1)
    if name == "L_model_forward":
        return [Column("input X", ("A0",), 0)] + [
            Column(f"layer {l} · {'sigmoid' if l == L else 'relu'}", _layer_names(l, L, False), l) for l in range(1, L + 1)
        ]
    if name == "L_model_backward":
        return (
            [Column("input X", ("A0", "dA0"), 0)]
            + [Column(f"layer {l} · {'sigmoid' if l == L else 'relu'}", _layer_names(l, L, True), l) for l in range(1, L + 1)]
            + [Column("cost", ("Y",), -1)]
        )
    if name == "update_parameters":
        return [Column(f"layer {l}", (f"W{l}", f"b{l}", f"dW{l}", f"db{l}"), l) for l in range(1, L + 1)]
    if name == "compute_cost":
        return [Column("output", ("AL", "Y"), 0), Column("cost", ("cost",), -1)]
    activation = call.params.get("activation", "")
    title = "layer" + (f" · {activation}" if activation else "")
    if name == "linear_forward":
        return [Column("input", ("A",), 0), Column(title, ("W", "b", "Z"), 1)]
    if name == "linear_activation_forward":
        return [Column("input", ("A_prev",), 0), Column(title, ("W", "b", "Z", "A"), 1)]
    if name == "linear_backward":
        return [Column("input", ("A_prev", "dA_prev"), 0), Column(title, ("W", "b", "dZ", "dW", "db"), 1)]
    if name == "linear_activation_backward":
        return [Column("input", ("A_prev", "dA_prev"), 0), Column(title, ("W", "b", "Z", "dA", "dZ", "dW", "db"), 1)]
    raise ValueError(f"draw_network_step: no network drawing for a call to {call.name!r}")


def _layer_of(event: ev.NetworkEvent) -> int:
    """The column index (1-based layers) an event belongs to; standalone calls draw one layer."""
    return getattr(event, "layer", 0) or 1


def _array(name: str, call: Call, state: dict[str, np.ndarray]) -> np.ndarray | None:
    """The array called ``name`` at this step: the replayed state first, then the call's inputs."""
    if name in state:
        return np.asarray(state[name])
    if name in call.arrays:
        return call.arrays[name]
    if name == "A0" and "X" in call.arrays:
        return call.arrays["X"]
    return None


def _pending(x: np.ndarray | None) -> bool:
    return x is None or (x.dtype.kind == "f" and x.size > 0 and bool(np.isnan(x).all()))


def _shape_text(x: np.ndarray | None) -> str:
    if x is None:
        return ""
    if x.ndim == 0:
        return number(float(x), DIGITS) if np.isfinite(x) else "?"
    return "(" + ", ".join(str(n) for n in x.shape) + ")"


def _label(name: str, call: Call, state: dict[str, np.ndarray]) -> str:
    if name == "A0" and call.name in ("L_model_forward", "L_model_backward"):
        return "A0 = X"
    if call.name == "update_parameters" and name[0] in "Wb" and name in call.arrays and name in state:
        return name + (" (new)" if state[name] is not call.arrays[name] else "")
    return name


# -- the diagram ---------------------------------------------------------------------------------


def _diagram(fig: Figure, event: ev.NetworkEvent, call: Call, state: dict[str, np.ndarray]) -> list[Artist]:
    W_in, H_in = fig.get_size_inches()
    top = H_in - HEADER - 0.1
    band = ROW_HEIGHT - 0.2
    ax: Axes = fig.add_axes((SIDE / W_in, (top - band) / H_in, (W_in - 2 * SIDE) / W_in, band / H_in))
    width = W_in - 2 * SIDE
    ax.set_xlim(0, width)
    ax.set_ylim(0, band)
    ax.set_axis_off()
    columns = network_columns(call)
    roles = event.roles(call.name)
    current = _layer_of(event) if not isinstance(event, ev.Cost) else -1
    backward = isinstance(event, (ev.ActivationBackward, ev.LinearBackward))
    n = len(columns)
    gap = min(0.6, width * 0.25 / max(n - 1, 1))
    box_w = min(2.0, (width - gap * (n - 1)) / n)
    most = max(len(c.names) for c in columns)
    title_h = 0.4
    row_h = min(0.36, (band - title_h - 0.15) / most)
    fontsize = float(np.clip(row_h * 72 * 0.44, 6.5, 11.0)) if box_w > 1.3 else 7.5
    # one title size for every box, small enough that the longest title, in bold, fits its box
    # (a bold DejaVu Sans character of these titles is about 0.55 em wide)
    longest = max(len(c.title) for c in columns)
    title_size = min(fontsize + 0.5, (box_w - 0.16) * 72 / (0.55 * longest))
    artists: list[Artist] = [ax]
    x_start = (width - n * box_w - (n - 1) * gap) / 2  # the boxes centred in the row
    lefts = [x_start + j * (box_w + gap) for j in range(n)]
    box_top = band - max(0.05, (band - title_h - row_h * most - 0.1) / 2)  # the tallest box centred
    for j, col in enumerate(columns):
        x0 = lefts[j]
        box_h = title_h + row_h * len(col.names) + 0.1
        is_current = col.layer == current
        frame = FancyBboxPatch((x0, box_top - box_h), box_w, box_h, boxstyle="round,pad=0,rounding_size=0.06",
                               fc="white", ec=INK if is_current else GRID_LINE, lw=2.4 if is_current else 1.0, zorder=1)
        ax.add_patch(frame)
        artists.append(frame)
        artists.append(axes_text(ax, x0 + box_w / 2, box_top - title_h / 2, col.title, ha="center", va="center",
                               fontsize=title_size, fontweight="bold" if is_current else "normal", color=INK, zorder=3))
        for r, name in enumerate(col.names):
            y = box_top - title_h - row_h * (r + 0.5)
            x = _array(name, call, state)
            role = roles.get(name)
            pending = _pending(x) and role != WRITE
            grad = name.startswith("d")
            fill = {WRITE: CURRENT_FILL, CACHE: CHOSEN_FILL, READ: ADDED_FILL}.get(
                role, "white" if pending else (GRAD_DONE_FILL if grad else DONE_FILL))
            edge = {WRITE: INK, CACHE: CHOSEN, READ: ADDED}.get(role, "none")
            cell = FancyBboxPatch((x0 + 0.06, y - row_h * 0.42), box_w - 0.12, row_h * 0.84,
                                  boxstyle="round,pad=0,rounding_size=0.04", fc=fill, ec=edge,
                                  lw=1.6 if role else 0, zorder=2)
            ax.add_patch(cell)
            color = PENDING_INK if pending else INK
            weight = "bold" if role == WRITE else "normal"
            artists += [
                cell,
                axes_text(ax, x0 + 0.12, y, _label(name, call, state), ha="left", va="center", fontsize=fontsize,
                        color=color, fontweight=weight, zorder=3),
                axes_text(ax, x0 + box_w - 0.12, y, _shape_text(x), ha="right", va="center", fontsize=fontsize - 0.5,
                        color=color if pending else MUTED, zorder=3),
            ]
        if col.layer == -1 and "cost" in state:
            value = _shape_text(state["cost"])
            artists.append(axes_text(ax, x0 + box_w - 0.12, box_top - title_h - row_h * 0.5, value, ha="right", va="center",
                                   fontsize=fontsize, color=INK, zorder=3))
    # forward arrows between neighbouring boxes, along the title line
    y_fwd = box_top - title_h / 2
    for j in range(n - 1):
        reading = not backward and columns[j + 1].layer == current and not isinstance(event, ev.Update)
        arrow = FancyArrowPatch((lefts[j] + box_w + 0.04, y_fwd), (lefts[j + 1] - 0.04, y_fwd), arrowstyle="-|>",
                                mutation_scale=12, lw=2.0 if reading else 1.0, color=INK if reading else GRID_LINE,
                                zorder=4)
        ax.add_patch(arrow)
        artists.append(arrow)
    # backward: the gradient's path from the cost down to the current layer (and on to its input)
    if backward and call.name == "L_model_backward":
        # columns are [input, layer 1 .. layer L, cost]: column j holds layer j
        y_back = box_top - title_h - row_h * 4.5  # the dA row of the layer boxes
        stop = current - 1 if isinstance(event, ev.LinearBackward) else current
        for j in range(n - 1, stop, -1):
            arrow = FancyArrowPatch((lefts[j] - 0.04, y_back), (lefts[j - 1] + box_w + 0.04, y_back),
                                    arrowstyle="-|>", mutation_scale=14, lw=2.6, color=ADDED, zorder=4)
            ax.add_patch(arrow)
            artists.append(arrow)
    return artists


# -- the step's arrays as grids ------------------------------------------------------------------


def _operands(event: ev.NetworkEvent, call: Call, state: dict[str, np.ndarray]) -> list[tuple[str, str, str]]:
    """``(name, title, symbol after)`` of the arrays the bottom row shows for this step."""
    l = event.layer if hasattr(event, "layer") else 0
    named = lambda base: f"{base}{l}" if l else base  # noqa: E731
    if isinstance(event, ev.LinearForward):
        A_prev, W, b = event.cache
        if call.name == "linear_forward":
            A_prev = "A"
        return [(W, W, "@"), (A_prev, "A0 = X" if A_prev == "A0" else A_prev, "+"), (b, b, "="), (named("Z"), named("Z"), "")]
    if isinstance(event, ev.ActivationForward):
        return [(event.cache, event.cache, "→"), (named("A"), f"{named('A')} = {event.activation}({event.cache})", "")]
    if isinstance(event, ev.Cost):
        return [("AL", "AL", ""), ("Y", "Y", "")]
    if isinstance(event, ev.ActivationBackward):
        return [(event.dA, event.dA, ","), (event.cache, event.cache + " (cache)", "→"), (named("dZ"), named("dZ"), "")]
    if isinstance(event, ev.LinearBackward):
        dA_prev, dW, db = event.outputs
        return [(named("dZ"), named("dZ"), "→"), (dW, dW, ""), (db, db, ""), (dA_prev, dA_prev, "")]
    if isinstance(event, ev.Update):
        return [(f"dW{l}", f"dW{l}", "→"), (f"W{l}", f"W{l} (new)", "")]
    return []


def _grids(fig: Figure, event: ev.NetworkEvent, call: Call, state: dict[str, np.ndarray]) -> list[Artist]:
    shown = []
    for name, title, after in _operands(event, call, state):
        x = _array(name, call, state)
        if x is None or x.ndim != 2:
            continue
        if max(x.shape) > MAX_GRID:
            shown = []
            break
        shown.append((name, title, after, x))
    artists: list[Artist] = []
    if not shown:
        W_in, H_in = fig.get_size_inches()
        y = (FOOTER + NOTE + ROW_HEIGHT / 2) / H_in
        artists.append(fig.text(0.5, y, f"(arrays larger than {MAX_GRID} rows or columns are not drawn as grids)",
                                ha="center", va="center", fontsize=10, color=MUTED))
        return artists
    if shown[-1][2]:
        shown[-1] = (*shown[-1][:2], "", shown[-1][3])
    panels = [Panel(f"p{j}", x.shape[0], x.shape[1], after) for j, (_, _, after, x) in enumerate(shown)]
    placed = place_panels(fig, panels, 1, 2)
    for j, (name, title, after, x) in enumerate(shown):
        ax, cell = placed[f"p{j}"]
        g = Grid(ax, x.shape, cell, value_range(x), f"{title}  {_shape_text(x)}")
        g.add_colorbar(fig)
        fills = None
        g.set_values(x.astype(float), fills=fills)
        artists += g.artists
    return artists


def _note(event: ev.NetworkEvent) -> str:
    if isinstance(event, (ev.ActivationBackward, ev.LinearBackward)):
        return "yellow: written now    green: cache entries it reads    blue: the gradient it reads, and its path back from the cost"
    if isinstance(event, ev.Update):
        return "yellow: written now (new arrays: the dict passed in is left unchanged)    blue: the gradients it reads"
    if isinstance(event, ev.Cost):
        return "yellow: written now    blue: what it reads"
    return "yellow: written now    green: kept in the cache for the backward pass    grey: not computed yet"


def draw_network_step(
    fig: Figure, event: ev.NetworkEvent, call: Call, state: dict[str, np.ndarray], *, channel: int = 0
) -> list[Artist]:
    """Draw one step of a network call: the layers as boxes on top, the step's arrays below.

    Parameters
    ----------
    fig : Figure
        An empty figure of ``draw_network_step.rows`` rows (from :func:`tracer.render.new_figure`).
    event : LinearForward, ActivationForward, Cost, ActivationBackward, LinearBackward or Update
    call : Call
        The recorded call of the event.
    state : dict of str to ndarray
        The call's arrays after the event (``trace.replay(k + 1)``).
    channel : int
        Unused (networks have no channels); accepted like every drawer.

    Returns
    -------
    list of Artist
        Everything drawn.
    """
    artists = _diagram(fig, event, call, state)
    artists += _grids(fig, event, call, state)
    W_in, H_in = fig.get_size_inches()
    artists.append(fig.text(0.5, (FOOTER + NOTE / 2) / H_in, _note(event), ha="center", va="center", fontsize=9.5,
                            color=INK))
    return artists


#: Rows of grids the figure needs: the diagram, then the step's arrays.
draw_network_step.rows = 2  # type: ignore[attr-defined]
