"""The drawings of each kind of trace event: grids of numbers, outlines and a formula.

A *scene* draws one step of a call on a :class:`matplotlib.figure.Figure` and
keeps its artists, so that the next step of the same call only updates them
(``set_data``, ``set_text``, ``set_xy``) instead of drawing a new figure.
Scenes read what the trace recorded (the event, the call's stored arrays and
the replayed state); the only arithmetic they do is for display (the
element-wise products shown beside a window, the mask of a window).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from .. import events as ev
from ..conv import padded_input
from ..numbers import number
from ..recording import Call
from .grid import Grid, Outline, Panel, gap, place_panels, slot
from .style import (ADDED, ADDED_FILL, CHOSEN_FILL, CURRENT_FILL, FIG_WIDTH, FOOTER, INK,
                    DIGITS, MIN_WIDTH, MUTED, NOTE, NOTE_WIDTH, SIDE, value_range)

__all__ = [
    "SCENES",
    "Scene",
    "window_box",
    "read_boxes",
    "move_read",
    "PadScene",
    "ConvWindowScene",
    "SingleStepScene",
    "PoolWindowScene",
    "MaskScene",
    "DistributeScene",
    "ConvBackScene",
    "PoolBackScene",
    "content_width",
]


class Scene:
    """Draws the steps of one call on a figure and updates its artists from step to step.

    Subclasses build their grids in :meth:`build` and fill them in :meth:`update`.
    A scene is a drawer: ``Scene(fig, event, call, state, channel=0)`` draws the
    step and ``scene.artists`` lists what it made.

    Parameters
    ----------
    fig : Figure
        A figure from :func:`tracer.render.new_figure`: up to ``FIG_WIDTH`` wide and
        ``figure_height(rows)`` high.
    event : Event
        The step to draw.
    call : Call
        The recorded call the event belongs to (its stored arrays).
    state : dict of str to ndarray
        The call's arrays after the event (``Trace.replay`` / ``Trace.states``).
    channel : int
        The input channel shown for convolutions (pooling shows the event's own channel).
    """

    #: rows of grids the scene needs
    rows: ClassVar[int] = 1
    #: the event classes the scene draws (its entries in :data:`tracer.render.DRAWERS`)
    events: ClassVar[tuple[type, ...]] = ()
    #: for scenes that show one input channel of several: said on the right of the header
    #: (``{channel}`` and ``{n}`` are filled in); empty for scenes that show every channel
    channel_note: ClassVar[str] = ""

    def __init__(self, fig: Figure, event: ev.Event, call: Call, state: dict[str, np.ndarray], *, channel: int = 0):
        self.fig = fig
        self.call = call
        self.channel = channel
        self.artists: list[Artist] = []
        _, H = fig.get_size_inches()
        self.note = fig.text(0.5, (FOOTER + NOTE / 2) / H, "", ha="center", va="center", fontsize=11, color=INK)
        self._grids: list[Grid] = []
        #: artists expected to change from step to step: a renderer leaves them out of its cached background
        self.moving: list[Artist] = [self.note]
        #: shown on the right of the header, e.g. which channel is drawn
        self.header_note = ""
        n_in = _input_channels(call)
        if n_in > 1 and self.channel_note:
            self.header_note = self.channel_note.format(channel=channel, n=n_in)
        self.build(event, state)
        self.artists += [a for g in self._grids for a in g.artists]
        #: artists drawn beside the grids, never over them (a renderer need not redraw them with what they border)
        self.outside: list[Artist] = [a for g in self._grids for a in g.outside]
        self.artists.append(self.note)
        self.update(event, state)

    def build(self, event: ev.Event, state: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    def update(self, event: ev.Event, state: dict[str, np.ndarray]) -> list[Artist]:
        """Show ``event`` with the arrays ``state``; return the artists that changed."""
        raise NotImplementedError

    def __repr__(self) -> str:
        grids = ", ".join(f"{key} {g.shape[0]}x{g.shape[1]}" for key, g in getattr(self, "g", {}).items())
        return f"<{type(self).__name__} of {self.call.name}: {grids}; {len(self.artists)} artists>"

    def set_note(self, text: str) -> None:
        """The formula line under the grids (wrapped to two lines when long)."""
        width = int(NOTE_WIDTH * self.fig.get_size_inches()[0] / FIG_WIDTH)
        self.note.set_text("\n".join(textwrap.fill(line, width, break_long_words=False) for line in text.split("\n")))

    def changed(self) -> list[Artist]:
        """The artists changed since they were last drawn (matplotlib marks them stale)."""
        return [a for a in self.artists if a.stale]

    def accepts(self, event: ev.Event, call: Call) -> bool:
        """Whether :meth:`update` can draw ``event`` (same call, a kind this scene draws)."""
        return call is self.call and isinstance(event, self.events)

    def grids(self, panels: Sequence[Panel], titles: dict[str, str], vmax: dict[str, float], row: int = 0,
              reveal: Sequence[str] = ()) -> dict[str, Grid]:
        placed = place_panels(self.fig, panels, row, self.rows)
        out = {}
        for p in panels:
            ax, cell = placed[p.key]
            g = Grid(ax, (p.n_rows, p.n_cols), cell, vmax[p.key], titles[p.key], reveal=p.key in reveal)
            g.add_colorbar(self.fig)
            out[p.key] = g
            self._grids.append(g)
        return out


def _shape(shape: tuple[int, ...]) -> str:
    """A shape that a wrapped line never splits (no-break spaces)."""
    return str(tuple(shape)).replace(", ", ",\u00a0")


def _input_channels(call: Call) -> int:
    a = call.arrays
    if "A_prev" in a:
        return int(a["A_prev"].shape[3])
    if "X" in a:
        return int(a["X"].shape[3])
    if "a_slice_prev" in a:
        return int(a["a_slice_prev"].shape[2])
    return 1


def _cell_fill(h: int, w: int) -> dict[tuple[int, int], str]:
    return {(h, w): CURRENT_FILL}


class PadScene(Scene):
    """``zero_pad`` (or the padding step of ``conv_forward``): the original cells and the added zeros."""

    events = (ev.Pad,)
    channel_note = "channel {channel} of {n} shown"

    def build(self, event: ev.Pad, state: dict[str, np.ndarray]) -> None:
        a = self.call.arrays
        self.src_name, self.dst_name = ("X", "X_pad") if "X" in a else ("A_prev", "A_prev_pad")
        X = a[self.src_name]
        p = event.pad
        n_H, n_W = X.shape[1:3]
        ch = self.channel
        vmax = value_range(X[0, :, :, ch])
        self.g = self.grids(
            [Panel("src", n_H, n_W, "→"), Panel("dst", n_H + 2 * p, n_W + 2 * p)],
            {"src": f"{self.src_name}[0, :, :, {ch}]", "dst": f"{self.dst_name}[0, :, :, {ch}]"},
            {"src": vmax, "dst": vmax},
        )
        self.frame = self.g["dst"].box(color=INK, lw=2.0, ls="--")
        Grid.move_box(self.frame, p, p + n_H, p, p + n_W)

    def update(self, event: ev.Pad, state: dict[str, np.ndarray]) -> list[Artist]:
        X = self.call.arrays[self.src_name]
        ch, p = self.channel, event.pad
        self.g["src"].set_values(X[0, :, :, ch])
        self.g["dst"].set_values(state[self.dst_name][0, :, :, ch], pad=p)
        m, n_H, n_W, n_C = X.shape
        shown = f"example 0 of {m}, channel {ch} of {n_C}" if m > 1 or n_C > 1 else "the only example and channel"
        self.set_note(
            f"pad = {p}: {p} {'row and column' if p == 1 else 'rows and columns'} of zeros (grey) on every side\n"
            f"{_shape(X.shape)} → {_shape((m, n_H + 2 * p, n_W + 2 * p, n_C))};  {shown}"
        )
        return self.changed()


def window_box(grid: Grid, dilation: int, color: str = INK) -> Outline:
    """The outline of a window: solid, or for a dilated window a thin dashed line around its span."""
    return grid.box(color=color) if dilation == 1 else grid.box(color=color, lw=1.2, ls="--")


def read_boxes(grid: Grid, f: int, dilation: int, color: str = INK) -> list[Outline]:
    """One box per cell a dilated window reads (``f x f`` of them); none for an undilated window."""
    return [] if dilation == 1 else [grid.box(color=color, lw=2.2, inset=0.05) for _ in range(f * f)]


def move_read(boxes: list[Outline], vs: int, ve: int, hs: int, he: int, dilation: int) -> None:
    """Put ``boxes`` around every ``dilation``-th row and column of the window ``vs:ve, hs:he``."""
    cells = [(r, q) for r in range(vs, ve, dilation) for q in range(hs, he, dilation)]
    for box, (r, q) in zip(boxes, cells):
        Grid.move_box(box, r, r + 1, q, q + 1)


def _dilation(call: Call) -> int:
    """The call's dilation: its window reads every d-th row and column (1 without the key)."""
    return int(call.params.get("dilation", 1))


def _channel_sums(a_slice: np.ndarray, W_c: np.ndarray) -> np.ndarray:
    """Sum of the element-wise products per input channel (display only): shape (n_C_prev,)."""
    return np.sum(a_slice * W_c, axis=(0, 1))


def _formula(sums: np.ndarray, ch: int, bias: float, value: float, target: str, n_products: int) -> str:
    """``Σ products = s  (+ the other channels) + b = value → target``."""
    n = len(sums)
    if n == 1:
        head = f"Σ of the {n_products} products = {number(sums[0], DIGITS)}"
    elif n <= 4:
        terms = " + ".join(f"({number(s, DIGITS)})" if s < 0 else number(s, DIGITS) for s in sums)
        head = f"Σ channel {ch} = {number(sums[ch], DIGITS)};  Σ over the {n} input channels: {terms}"
    else:
        head = (f"Σ channel {ch} = {number(sums[ch], DIGITS)};  "
                f"Σ over the {n} input channels = {number(np.sum(sums), DIGITS)}")
    sep = "\n" if n > 1 else "  "
    return f"{head}{sep}+ b = {number(bias, DIGITS)}  →  {target} = {number(value, DIGITS)}"


class ConvWindowScene(Scene):
    """``conv_forward``: the window, the filter, their products, the sum plus the bias, the output."""

    events = (ev.ConvWindow,)
    channel_note = "channel {channel} of {n} shown (sums over all {n})"

    def build(self, event: ev.ConvWindow, state: dict[str, np.ndarray]) -> None:
        a = self.call.arrays
        f = a["W"].shape[0]
        _, n_Hp, n_Wp, _ = state["A_prev_pad"].shape
        n_H, n_W = self.call.result["Z"].shape[1:3]
        ch = self.channel
        v_in = value_range(a["A_prev"][..., ch])
        v_w = value_range(a["W"][:, :, ch])
        self.g = self.grids(
            [Panel("x", n_Hp, n_Wp, "×"), Panel("w", f, f, "="), Panel("prod", f, f, "Σ→"), Panel("z", n_H, n_W)],
            {"x": "", "w": "", "prod": "", "z": ""},
            {"x": v_in, "w": v_w, "prod": v_in * v_w, "z": value_range(self.call.result["Z"])},
            reveal=("z",),
        )
        d = _dilation(self.call)
        self.window = window_box(self.g["x"], d)
        self.read = read_boxes(self.g["x"], f, d)
        self.cell = self.g["z"].box()
        self.moving += [self.window, *self.read, self.cell, self.g["prod"].image, self.g["z"].cover,
                        self.g["z"].current_text]

    def update(self, event: ev.ConvWindow, state: dict[str, np.ndarray]) -> list[Artist]:
        a, p = self.call.arrays, self.call.params
        i, c, ch = event.i, event.c, self.channel
        vs, ve, hs, he = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
        d = _dilation(self.call)
        a_slice = state["A_prev_pad"][i, vs:ve:d, hs:he:d, :]
        W_c = a["W"][:, :, :, c]
        self.g["x"].set_values(state["A_prev_pad"][i, :, :, ch], pad=p["pad"])
        self.g["w"].set_values(W_c[:, :, ch])
        self.g["prod"].set_values(a_slice[:, :, ch] * W_c[:, :, ch])
        # Z as the call returned it, its cells not written yet covered: each is written once
        self.g["z"].set_values(self.call.result["Z"][i, :, :, c])
        self.g["z"].reveal(np.isfinite(state["Z"][i, :, :, c]), (event.h, event.w))
        Grid.move_box(self.window, vs, ve, hs, he)
        move_read(self.read, vs, ve, hs, he, d)
        Grid.move_box(self.cell, event.h, event.h + 1, event.w, event.w + 1)
        titles = {
            "x": f"A_prev{'_pad' if p['pad'] else ''}[{i}, :, :, {ch}]"
                 + (f"\n(dilation {d}: the {a_slice.shape[0]}x{a_slice.shape[1]} boxed cells)" if d > 1 else ""),
            "w": f"W[:, :, {ch}, {c}]",
            "prod": "window × W",
            "z": f"Z[{i}, :, :, {c}]",
        }
        for key, title in titles.items():
            self.g[key].title.set_text(title)
        sums = _channel_sums(a_slice, W_c)
        n = a_slice.shape[0] * a_slice.shape[1]
        target = f"Z[{i}, {event.h}, {event.w}, {c}]"
        self.set_note(_formula(sums, ch, float(a["b"][0, 0, 0, c]), event.value, target, n))
        return self.changed()


class SingleStepScene(Scene):
    """``conv_single_step``: one window times one filter, summed, plus the bias once."""

    events = (ev.SingleStep,)
    channel_note = "channel {channel} of {n} shown (sums over all {n})"

    def build(self, event: ev.SingleStep, state: dict[str, np.ndarray]) -> None:
        a = self.call.arrays
        f1, f2, n_C_prev = a["a_slice_prev"].shape
        if not 0 <= self.channel < n_C_prev:
            raise ValueError(
                f"channel must be from 0 to {n_C_prev - 1} (a_slice_prev has {n_C_prev}), got {self.channel}"
            )
        ch = self.channel
        vx, vw = value_range(a["a_slice_prev"][..., ch]), value_range(a["W"][..., ch])
        self.g = self.grids(
            [Panel("x", f1, f2, "×"), Panel("w", f1, f2, "="), Panel("prod", f1, f2)],
            {"x": f"a_slice_prev[:, :, {ch}]", "w": f"W[:, :, {ch}]",
             "prod": "a_slice_prev × W"},
            {"x": vx, "w": vw, "prod": vx * vw},
        )

    def update(self, event: ev.SingleStep, state: dict[str, np.ndarray]) -> list[Artist]:
        a, ch = self.call.arrays, self.channel
        self.g["x"].set_values(a["a_slice_prev"][:, :, ch])
        self.g["w"].set_values(a["W"][:, :, ch])
        self.g["prod"].set_values(a["a_slice_prev"][:, :, ch] * a["W"][:, :, ch])
        sums = _channel_sums(a["a_slice_prev"], a["W"])
        n = a["W"].shape[0] * a["W"].shape[1]
        self.set_note(_formula(sums, ch, float(a["b"].item()), event.value, "Z", n))
        return self.changed()


class PoolWindowScene(Scene):
    """``pool_forward``: the window; for max the chosen cell, for average the mean; the output."""

    events = (ev.PoolWindow,)

    def build(self, event: ev.PoolWindow, state: dict[str, np.ndarray]) -> None:
        A_prev, A = self.call.arrays["A_prev"], self.call.result["A"]
        self.g = self.grids(
            [Panel("x", A_prev.shape[1], A_prev.shape[2], "→"), Panel("a", A.shape[1], A.shape[2])],
            {"x": "", "a": ""},
            {"x": value_range(A_prev), "a": value_range(A_prev)},
            reveal=("a",),
        )
        self.window = self.g["x"].box()
        self.cell = self.g["a"].box()
        # the chosen maximum is a green cell under its bold number: an outline inside a small cell would cover it
        self.moving += [self.window, self.cell, self.g["x"].image, self.g["a"].cover, self.g["a"].current_text]

    def update(self, event: ev.PoolWindow, state: dict[str, np.ndarray]) -> list[Artist]:
        A_prev = self.call.arrays["A_prev"]
        i, c = event.i, event.c
        vs, ve, hs, he = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
        n_C = A_prev.shape[3]
        maxed = event.mode == "max"
        bold = {(event.max_row, event.max_col)} if maxed else frozenset()
        self.g["x"].set_values(A_prev[i, :, :, c], bold=bold, fills=dict.fromkeys(bold, CHOSEN_FILL))
        self.g["a"].set_values(self.call.result["A"][i, :, :, c])  # each cell is written once
        self.g["a"].reveal(np.isfinite(state["A"][i, :, :, c]), (event.h, event.w))
        Grid.move_box(self.window, vs, ve, hs, he)
        Grid.move_box(self.cell, event.h, event.h + 1, event.w, event.w + 1)
        self.header_note = f"channel {c} of {n_C}" if n_C > 1 else ""
        self.g["x"].title.set_text(f"A_prev[{i}, :, :, {c}]")
        self.g["a"].title.set_text(f"A[{i}, :, :, {c}]")
        target = f"A[{i}, {event.h}, {event.w}, {c}]"
        n = (ve - vs) * (he - hs)
        if maxed:
            text = (f"{target} = max of the {n} window cells = {number(event.value, DIGITS)}, "
                    f"at row {event.max_row}, column {event.max_col} (green)")
        else:
            cells = A_prev[i, vs:ve, hs:he, c].ravel()
            if n <= 9:
                terms = " + ".join(f"({number(v, DIGITS)})" if v < 0 else number(v, DIGITS) for v in cells)
                text = f"{target} = ({terms}) / {n} = {number(event.value, DIGITS)}"
            else:
                text = f"{target} = mean of the {n} window cells = {number(event.value, DIGITS)}"
        self.set_note(text)
        return self.changed()


class MaskScene(Scene):
    """``create_mask_from_window``: the window and its mask, every tied maximum True."""

    events = (ev.Mask,)

    def build(self, event: ev.Mask, state: dict[str, np.ndarray]) -> None:
        x = self.call.arrays["x"]
        self.g = self.grids(
            [Panel("x", *x.shape, "→"), Panel("mask", *x.shape)],
            {"x": "x", "mask": "mask = (x == max(x))"},
            {"x": value_range(x), "mask": 1.0},
        )

    def update(self, event: ev.Mask, state: dict[str, np.ndarray]) -> list[Artist]:
        x, mask = self.call.arrays["x"], state["mask"]
        marked = {tuple(int(j) for j in rc) for rc in np.argwhere(mask)}
        self.g["x"].set_values(x, bold=marked, fills={rc: CHOSEN_FILL for rc in marked})
        labels = np.where(mask, "True", "False")
        self.g["mask"].set_values(np.zeros(mask.shape), labels=labels, bold=marked,
                                             fills={rc: CHOSEN_FILL for rc in marked})
        ties = f": {event.n_max} tied cells are all True (the course keeps every tie)" if event.n_max > 1 else ""
        self.set_note(f"max(x) = {number(event.maximum, DIGITS)}{ties}")
        return self.changed()


class DistributeScene(Scene):
    """``distribute_value``: ``dz`` spread evenly, every cell showing its share."""

    events = (ev.Distribute,)

    def build(self, event: ev.Distribute, state: dict[str, np.ndarray]) -> None:
        n_H, n_W = self.call.params["shape"]
        v = value_range(np.array([event.dz]))
        self.g = self.grids(
            [Panel("dz", 1, 1, "→"), Panel("a", n_H, n_W)],
            {"dz": "dz", "a": f"a, shape ({n_H}, {n_W})"},
            {"dz": v, "a": v},
        )

    def update(self, event: ev.Distribute, state: dict[str, np.ndarray]) -> list[Artist]:
        n_H, n_W = self.call.params["shape"]
        self.g["dz"].set_values(np.array([[event.dz]]))
        self.g["a"].set_values(state["a"])
        self.set_note(
            f"each of the {n_H} × {n_W} = {n_H * n_W} cells gets dz / {n_H * n_W} = "
            f"{number(event.dz, DIGITS)} / {n_H * n_W} = {number(event.share, DIGITS)}"
        )
        return self.changed()


class ConvBackScene(Scene):
    """``conv_backward``: which cells of dA_prev, dW and db one window adds to, and by how much."""

    rows = 2
    events = (ev.ConvBackWindow,)
    channel_note = "channel {channel} of {n} shown (sums over all {n})"

    def build(self, event: ev.ConvBackWindow, state: dict[str, np.ndarray]) -> None:
        a, r = self.call.arrays, self.call.result
        f = a["W"].shape[0]
        _, n_Hp, n_Wp, _ = state["dA_prev_pad"].shape
        n_H, n_W = a["dZ"].shape[1:3]
        ch = self.channel
        v_dz, v_w, v_x = value_range(a["dZ"]), value_range(a["W"][:, :, ch]), value_range(a["A_prev"][..., ch])
        v_da = value_range(r["dA_prev"][..., ch])
        self.g = self.grids(
            [Panel("dz", n_H, n_W, ""), Panel("w", f, f, "× g ="), Panel("wg", f, f, "+="), Panel("da", n_Hp, n_Wp)],
            dict.fromkeys(("dz", "w", "wg", "da"), ""),
            {"dz": v_dz, "w": v_w, "wg": v_w * v_dz, "da": v_da},
            row=0,
        )
        self.g.update(self.grids(
            [Panel("x", n_Hp, n_Wp, "× g ="), Panel("xg", f, f, "+="), Panel("dw", f, f, ""), Panel("db", 1, 1)],
            dict.fromkeys(("x", "xg", "dw", "db"), ""),
            {"x": v_x, "xg": v_x * v_dz, "dw": value_range(r["dW"][:, :, ch]), "db": value_range(r["db"])},
            row=1,
        ))
        self.cell = self.g["dz"].box()
        d = _dilation(self.call)
        self.win_da = window_box(self.g["da"], d, color=ADDED)
        self.win_x = window_box(self.g["x"], d)
        self.read_da = read_boxes(self.g["da"], f, d, color=ADDED)
        self.read_x = read_boxes(self.g["x"], f, d)
        self.moving += [self.cell, self.win_da, self.win_x, *self.read_da, *self.read_x]
        self.moving += [self.g[k].image for k in ("dz", "wg", "da", "xg", "dw", "db")]
        pad, n_H_prev, n_W_prev = self.call.params["pad"], a["A_prev"].shape[1], a["A_prev"].shape[2]
        if pad:
            frame = self.g["da"].box(color=MUTED, lw=1.5, ls="--", z=3)
            Grid.move_box(frame, pad, pad + n_H_prev, pad, pad + n_W_prev)

    def update(self, event: ev.ConvBackWindow, state: dict[str, np.ndarray]) -> list[Artist]:
        a = self.call.arrays
        i, c, ch, g = event.i, event.c, self.channel, event.grad
        vs, ve, hs, he = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
        pad = self.call.params["pad"]
        A_prev_pad = padded_input(self.call)
        d = _dilation(self.call)
        a_slice = A_prev_pad[i, vs:ve:d, hs:he:d, ch]
        W_c = a["W"][:, :, ch, c]
        window = {(r, q) for r in range(vs, ve, d) for q in range(hs, he, d)}
        self.g["dz"].set_values(a["dZ"][i, :, :, c], fills=_cell_fill(event.h, event.w))
        self.g["w"].set_values(W_c)
        self.g["wg"].set_values(W_c * g)
        self.g["da"].set_values(state["dA_prev_pad"][i, :, :, ch], fills={rc: ADDED_FILL for rc in window})
        self.g["x"].set_values(A_prev_pad[i, :, :, ch], pad=pad)
        self.g["xg"].set_values(a_slice * g)
        self.g["dw"].set_values(state["dW"][:, :, ch, c])
        self.g["db"].set_values(state["db"][:, :, 0, c])
        Grid.move_box(self.cell, event.h, event.h + 1, event.w, event.w + 1)
        Grid.move_box(self.win_da, vs, ve, hs, he)
        Grid.move_box(self.win_x, vs, ve, hs, he)
        move_read(self.read_da, vs, ve, hs, he, d)
        move_read(self.read_x, vs, ve, hs, he, d)
        titles = {
            "dz": f"dZ[{i}, :, :, {c}]",
            "w": f"W[:, :, {ch}, {c}]",
            "wg": "W × g",
            "da": f"dA_prev_pad[{i}, :, :, {ch}]\n(dashed: kept as dA_prev)" if pad else f"dA_prev[{i}, :, :, {ch}]",
            "x": f"A_prev_pad[{i}, :, :, {ch}]" if pad else f"A_prev[{i}, :, :, {ch}]",
            "xg": "window × g",
            "dw": f"dW[:, :, {ch}, {c}]",
            "db": f"db[{c}] += g",
        }
        for key, title in titles.items():
            self.g[key].title.set_text(title)
        self.set_note(
            f"g = dZ[{i}, {event.h}, {event.w}, {c}] = {number(g, DIGITS)}:  "
            f"dA_prev{'_pad' if pad else ''}[window] += W × g (blue),\n"
            f"dW[..., {c}] += window × g,  db[{c}] += g"
        )
        return self.changed()


class PoolBackScene(Scene):
    """``pool_backward``: max routes the gradient through the window's mask, average spreads it."""

    events = (ev.PoolBackWindow,)

    def build(self, event: ev.PoolBackWindow, state: dict[str, np.ndarray]) -> None:
        a = self.call.arrays
        f = self.call.params["f"]
        A_prev, dA = a["A_prev"], a["dA"]
        n_Hp, n_Wp = A_prev.shape[1:3]
        n_H, n_W = dA.shape[1:3]
        self.mode = self.call.params["mode"]
        v_da, v_prev = value_range(dA), value_range(self.call.result["dA_prev"])
        if self.mode == "max":
            panels = [Panel("x", n_Hp, n_Wp, "→"), Panel("mask", f, f, "× g"), Panel("da", n_H, n_W, "→"),
                      Panel("dprev", n_Hp, n_Wp)]
            vmax = {"x": value_range(A_prev), "mask": 1.0, "da": v_da, "dprev": v_prev}
        else:
            panels = [Panel("da", n_H, n_W, f"g ÷ {f * f}"), Panel("share", f, f, "+="), Panel("dprev", n_Hp, n_Wp)]
            vmax = {"da": v_da, "share": v_da / (f * f), "dprev": v_prev}
        self.g = self.grids(panels, {p.key: "" for p in panels}, vmax)
        self.cell = self.g["da"].box()
        self.win_prev = self.g["dprev"].box(color=ADDED)
        if self.mode == "max":
            self.window = self.g["x"].box()
            self.moving.append(self.window)
        self.moving += [self.cell, self.win_prev] + [g.image for g in self.g.values()]

    def update(self, event: ev.PoolBackWindow, state: dict[str, np.ndarray]) -> list[Artist]:
        a = self.call.arrays
        i, c, g = event.i, event.c, event.grad
        vs, ve, hs, he = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
        f = ve - vs
        n_C = a["A_prev"].shape[3]
        self.g["da"].set_values(a["dA"][i, :, :, c], fills=_cell_fill(event.h, event.w))
        window_cells = [(r, q) for r in range(vs, ve) for q in range(hs, he)]
        self.header_note = f"channel {c} of {n_C}" if n_C > 1 else ""
        target = f"dA_prev[{i}, {vs}:{ve}, {hs}:{he}, {c}]"
        if self.mode == "max":
            win = a["A_prev"][i, vs:ve, hs:he, c]
            mask = win == np.max(win)  # display only: the event records how many cells are tied
            marked = {(vs + int(r), hs + int(q)) for r, q in np.argwhere(mask)}
            self.g["x"].set_values(a["A_prev"][i, :, :, c], bold=marked,
                                              fills={rc: CHOSEN_FILL for rc in marked})
            local = {(r - vs, q - hs) for r, q in marked}
            self.g["mask"].set_values(np.zeros(mask.shape), labels=np.where(mask, "1", "0"), bold=local,
                                                 fills={rc: CHOSEN_FILL for rc in local})
            fills = {rc: ADDED_FILL for rc in window_cells}
            fills.update({rc: CHOSEN_FILL for rc in marked})
            self.g["dprev"].set_values(state["dA_prev"][i, :, :, c], fills=fills, bold=marked)
            Grid.move_box(self.window, vs, ve, hs, he)
            self.g["x"].title.set_text(f"A_prev[{i}, :, :, {c}]")
            self.g["mask"].title.set_text("mask of the window")
            ties = f" (all {event.n_max} tied maxima get it)" if event.n_max > 1 else ""
            self.set_note(f"g = dA[{i}, {event.h}, {event.w}, {c}] = {number(g, DIGITS)} goes where the mask is 1{ties}:\n"
                               f"{target} += mask × g")
        else:
            share = g / (f * f)
            self.g["share"].set_values(np.full((f, f), share))
            self.g["dprev"].set_values(state["dA_prev"][i, :, :, c],
                                                  fills={rc: ADDED_FILL for rc in window_cells})
            self.g["share"].title.set_text("g / (f × f)")
            self.set_note(f"g = dA[{i}, {event.h}, {event.w}, {c}] = {number(g, DIGITS)} spread evenly:\n"
                               f"{number(g, DIGITS)} / {f * f} = {number(share, DIGITS)} added to each cell of {target}")
        Grid.move_box(self.cell, event.h, event.h + 1, event.w, event.w + 1)
        Grid.move_box(self.win_prev, vs, ve, hs, he)
        self.g["da"].title.set_text(f"dA[{i}, :, :, {c}]")
        self.g["dprev"].title.set_text(f"dA_prev[{i}, :, :, {c}]")
        return self.changed()


def content_width(call: Call) -> float:
    """Width in inches a drawing of ``call`` needs at full cell size, at least ``MIN_WIDTH``.

    The widest row of grids of the call's scene, with the room between them;
    ``FIG_WIDTH`` for a call this module does not draw.
    """
    a, p = call.arrays, call.params
    pad = p.get("pad", 0)
    if call.name in ("conv_forward", "conv_backward"):
        n_Wp, f = a["A_prev"].shape[2] + 2 * pad, a["W"].shape[0]
        n_W = (n_Wp - _dilation(call) * (f - 1) - 1) // p["stride"] + 1
        rows = [[n_Wp, f, f, n_W]] if call.name == "conv_forward" else [[n_W, f, f, n_Wp], [n_Wp, f, f, 1]]
    elif call.name in ("pool_forward", "pool_backward"):
        n_Wp, f = a["A_prev"].shape[2], p["f"]
        n_W = (n_Wp - f) // p["stride"] + 1
        if call.name == "pool_forward":
            rows = [[n_Wp, n_W]]
        else:
            rows = [[n_Wp, f, n_W, n_Wp]] if p["mode"] == "max" else [[n_W, f, n_Wp]]
    elif call.name == "zero_pad":
        rows = [[a["X"].shape[2], a["X"].shape[2] + 2 * pad]]
    elif call.name == "conv_single_step":
        rows = [[a["W"].shape[1]] * 3]
    elif call.name == "create_mask_from_window":
        rows = [[a["x"].shape[1]] * 2]
    elif call.name == "distribute_value":
        rows = [[1, p["shape"][1]]]
    else:
        return FIG_WIDTH
    need = max(2 * SIDE + sum(slot(n) for n in row) + (len(row) - 1) * gap("×=") for row in rows)
    return float(np.clip(need, MIN_WIDTH, FIG_WIDTH))


#: Every scene, in the order of the course's functions.
SCENES: tuple[type[Scene], ...] = (PadScene, SingleStepScene, ConvWindowScene, PoolWindowScene, MaskScene,
                                   DistributeScene, ConvBackScene, PoolBackScene)
