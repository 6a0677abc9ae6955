"""The drawings of the transposed convolution's steps (:mod:`tracer.transpose`).

:class:`ScatterScene` draws ``conv_transpose_forward``: the input cell, the
filter, the block they make, and the block landing on ``Z_full`` (blue
outline) over the blocks before it; its last step cuts ``Z_full`` (the dashed
square) into ``Z``. :class:`ScatterBackScene` draws ``conv_transpose_backward``:
``dZ`` put back inside the cut rows, then the block of ``dZ_full`` each input
cell reads back into ``dA_prev`` and ``dW``. Like every scene they only draw
recorded data; the block products are computed for display, as the loop does.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist

from .. import events as ev
from ..numbers import number
from ..recording import Call
from ..transpose import full_shape
from .grid import Grid, Panel, gap, slot
from .scenes import Scene, _cell_fill, _shape
from .style import ADDED, DIGITS, FIG_WIDTH, MUTED, SIDE, value_range

__all__ = ["ScatterScene", "ScatterBackScene", "TRANSPOSE_SCENES", "CALLS", "content_width", "tallest"]

#: The narrowest figure of a transposed convolution: room for its header (four parameters) and, on its right, the channel note.
MIN_TRANSPOSE_WIDTH = 9.0

#: The recorded calls these scenes draw.
CALLS = ("conv_transpose_forward", "conv_transpose_backward")


def _first_window(call: Call, code: int) -> tuple[int, int]:
    """``(i, c)`` of the call's first recorded window of ``code`` (what a cut or uncrop step shows)."""
    row = next((r for r in call.rows if r[0] == code), None)
    return (0, 0) if row is None else (int(row[1]), int(row[4]))


def _kept(call: Call) -> tuple[int, int, int, int]:
    """Rows and columns of the full output that the cut keeps: ``(r0, r1, c0, c1)``."""
    pad = call.params["pad"]
    _, n_H_full, n_W_full, _ = full_shape(call)
    return pad, n_H_full - pad, pad, n_W_full - pad


class ScatterScene(Scene):
    """``conv_transpose_forward``: input cell × filter = block, added into ``Z_full``; then the cut and the bias."""

    rows = 2
    events = (ev.Scatter, ev.Crop)
    channel_note = "channel {channel} of {n} shown"

    def build(self, event: ev.Scatter | ev.Crop, state: dict[str, np.ndarray]) -> None:
        a, Z = self.call.arrays, self.call.result["Z"]
        f, ch = a["W"].shape[0], self.channel
        _, n_H_prev, n_W_prev, n_C_prev = a["A_prev"].shape
        _, n_H_full, n_W_full, _ = full_shape(self.call)
        v_in, v_w = value_range(a["A_prev"][..., ch]), value_range(a["W"][:, :, ch])
        v_out = value_range(Z - a["b"])
        self.g = self.grids(
            [Panel("x", n_H_prev, n_W_prev, "×"), Panel("w", f, f, "="), Panel("block", f, f)],
            dict.fromkeys(("x", "w", "block"), ""),
            {"x": v_in, "w": v_w, "block": v_in * v_w * n_C_prev},
            row=0,
        )
        self.g.update(self.grids(
            [Panel("full", n_H_full, n_W_full, "cut, + b →"), Panel("z", *Z.shape[1:3])],
            {"full": "", "z": ""},
            {"full": v_out, "z": value_range(Z)},
            row=1, reveal=("z",),
        ))
        self.cell = self.g["x"].box()
        self.block = self.g["full"].box(color=ADDED)
        self.frame = self.g["full"].box(color=MUTED, lw=1.5, ls="--", z=3)
        Grid.move_box(self.frame, *_kept(self.call))
        self.moving += [self.cell, self.block, self.g["z"].cover]
        self.moving += [self.g[k].image for k in ("x", "w", "block", "full")]
        self.shown = _first_window(self.call, ev.Scatter.code)

    def update(self, event: ev.Scatter | ev.Crop, state: dict[str, np.ndarray]) -> list[Artist]:
        a, p, ch = self.call.arrays, self.call.params, self.channel
        if isinstance(event, ev.Scatter):
            self.shown = (event.i, event.c)
        i, c = self.shown
        n_C_prev = a["A_prev"].shape[3]
        self.g["w"].set_values(a["W"][:, :, ch, c])
        self.g["full"].set_values(state["Z_full"][i, :, :, c])
        self.g["z"].set_values(self.call.result["Z"][i, :, :, c])  # each cell is written once, by the cut
        self.g["z"].reveal(np.isfinite(state["Z"][i, :, :, c]))
        titles = {
            "x": f"A_prev[{i}, :, :, {ch}]",
            "w": f"W[:, :, {ch}, {c}]",
            "full": f"Z_full[{i}, :, :, {c}]\n(dashed: kept as Z)",
            "z": f"Z[{i}, :, :, {c}]",
        }
        if isinstance(event, ev.Scatter):
            h, w = event.h, event.w
            cell = a["A_prev"][i, h, w, :]
            block = np.sum(a["W"][:, :, :, c] * cell, axis=2)  # the loop's block, for display
            self.g["x"].set_values(a["A_prev"][i, :, :, ch], fills=_cell_fill(h, w))
            self.g["block"].set_values(block)
            titles["block"] = "block" if n_C_prev == 1 else f"block\n(Σ over the {n_C_prev} channels)"
            Grid.move_box(self.cell, h, h + 1, w, w + 1)
            Grid.move_box(self.block, event.vert_start, event.vert_end, event.horiz_start, event.horiz_end)
            self.cell.set_visible(True)
            self.block.set_visible(True)
            what = (f"A_prev[{i}, {h}, {w}, 0] = {number(cell[0], DIGITS)}" if n_C_prev == 1
                    else f"A_prev[{i}, {h}, {w}, :] (all {n_C_prev} channels)")
            self.set_note(
                f"{what} × W[..., {c}] = block, added into Z_full[{i}, {event.vert_start}:{event.vert_end}, "
                f"{event.horiz_start}:{event.horiz_end}, {c}] (blue)\nwhere blocks overlap, their numbers add up"
            )
        else:
            self.g["x"].set_values(a["A_prev"][i, :, :, ch])
            self.g["block"].set_values(np.full(self.g["block"].shape, np.nan))
            titles["block"] = "block"
            self.cell.set_visible(False)
            self.block.set_visible(False)
            pad, op = p["pad"], p.get("output_padding", 0)
            rows = "row and column" if pad == 1 else "rows and columns"
            extra = f" (output_padding {op} made Z_full {op} larger at the bottom and right)" if op else ""
            self.set_note(
                f"Z = Z_full without {pad} {rows} on each side (the dashed square){extra},\n"
                f"plus b[{c}] = {number(float(a['b'][0, 0, 0, c]), DIGITS)}: Z has shape {_shape(self.call.result['Z'].shape)}"
            )
        for key, title in titles.items():
            self.g[key].title.set_text(title)
        return self.changed()


class ScatterBackScene(Scene):
    """``conv_transpose_backward``: ``dZ_full``, and the block each input cell reads back into ``dA_prev`` and ``dW``."""

    rows = 2
    events = (ev.Uncrop, ev.ScatterBack)
    channel_note = "channel {channel} of {n} shown"

    def build(self, event: ev.Uncrop | ev.ScatterBack, state: dict[str, np.ndarray]) -> None:
        a, r = self.call.arrays, self.call.result
        f, ch = a["W"].shape[0], self.channel
        _, n_H_prev, n_W_prev, _ = a["A_prev"].shape
        _, n_H_full, n_W_full, _ = full_shape(self.call)
        v_dz = value_range(a["dZ"])
        self.g = self.grids(
            [Panel("dz", *a["dZ"].shape[1:3], "put back →"), Panel("full", n_H_full, n_W_full)],
            {"dz": "", "full": ""},
            {"dz": v_dz, "full": v_dz},
            row=0,
        )
        self.g.update(self.grids(
            [Panel("g", f, f, "→"), Panel("da", n_H_prev, n_W_prev, ""), Panel("dw", f, f)],
            dict.fromkeys(("g", "da", "dw"), ""),
            {"g": v_dz, "da": value_range(r["dA_prev"][..., ch]), "dw": value_range(r["dW"][:, :, ch])},
            row=1,
        ))
        self.block = self.g["full"].box(color=ADDED)
        self.frame = self.g["full"].box(color=MUTED, lw=1.5, ls="--", z=3)
        Grid.move_box(self.frame, *_kept(self.call))
        self.cell = self.g["da"].box(color=ADDED)
        self.moving += [self.block, self.cell] + [self.g[k].image for k in ("full", "g", "da", "dw")]
        self.shown = _first_window(self.call, ev.ScatterBack.code)

    def update(self, event: ev.Uncrop | ev.ScatterBack, state: dict[str, np.ndarray]) -> list[Artist]:
        a, ch = self.call.arrays, self.channel
        if isinstance(event, ev.ScatterBack):
            self.shown = (event.i, event.c)
        i, c = self.shown
        self.g["dz"].set_values(a["dZ"][i, :, :, c])
        self.g["full"].set_values(state["dZ_full"][i, :, :, c])
        titles = {
            "dz": f"dZ[{i}, :, :, {c}]",
            "full": f"dZ_full[{i}, :, :, {c}]\n(dashed: dZ)",
            "g": "g = the block",
            "da": f"dA_prev[{i}, :, :, {ch}]",
            "dw": f"dW[:, :, {ch}, {c}]",
        }
        if isinstance(event, ev.ScatterBack):
            h, w = event.h, event.w
            vs, ve, hs, he = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
            g = state["dZ_full"][i, vs:ve, hs:he, c]
            self.g["g"].set_values(g)
            self.g["da"].set_values(state["dA_prev"][i, :, :, ch], fills=_cell_fill(h, w))
            self.g["dw"].set_values(state["dW"][:, :, ch, c])
            Grid.move_box(self.block, vs, ve, hs, he)
            Grid.move_box(self.cell, h, h + 1, w, w + 1)
            self.block.set_visible(True)
            self.cell.set_visible(True)
            self.set_note(
                f"input cell ({h}, {w}) wrote Z_full[{i}, {vs}:{ve}, {hs}:{he}, {c}]: it reads that block back, g (blue):\n"
                f"dA_prev[{i}, {h}, {w}, :] += Σ W[..., {c}] × g,   dW[..., {c}] += A_prev[{i}, {h}, {w}, :] × g"
            )
        else:
            self.g["g"].set_values(np.full(self.g["g"].shape, np.nan))
            self.g["da"].set_values(state["dA_prev"][i, :, :, ch])
            self.g["dw"].set_values(state["dW"][:, :, ch, c])
            self.block.set_visible(False)
            self.cell.set_visible(False)
            pad = self.call.params["pad"]
            self.set_note(
                f"dZ_full: dZ inside the {pad} {'row and column' if pad == 1 else 'rows and columns'} the forward "
                f"pass cut (zeros: they did not reach Z);\ndb = sum of dZ = "
                f"{number(float(state['db'][0, 0, 0, c]), DIGITS)} for filter {c}"
            )
        for key, title in titles.items():
            self.g[key].title.set_text(title)
        return self.changed()


#: The scenes of this module, for :data:`tracer.render.DRAWERS`.
TRANSPOSE_SCENES: tuple[type[Scene], ...] = (ScatterScene, ScatterBackScene)


def content_width(call: Call) -> float:
    """Width in inches a drawing of a transposed convolution needs at full cell size (see :func:`scenes.content_width`)."""
    a = call.arrays
    f, n_W_prev = a["W"].shape[0], a["A_prev"].shape[2]
    n_W_full = full_shape(call)[2]
    n_W = n_W_full - 2 * call.params["pad"]
    if call.name == "conv_transpose_forward":
        rows = [([n_W_prev, f, f], "×="), ([n_W_full, n_W], "cut, + b →")]
    else:
        rows = [([n_W, n_W_full], "put back →"), ([f, n_W_prev, f], "→")]
    need = max(2 * SIDE + sum(slot(n) for n in row) + (len(row) - 1) * gap(after) for row, after in rows)
    # the header names four parameters; with several channels the header's note says which one is shown
    narrowest = MIN_TRANSPOSE_WIDTH if a["A_prev"].shape[3] == 1 else FIG_WIDTH
    return float(np.clip(need, narrowest, FIG_WIDTH))


def tallest(call: Call) -> int:
    """Rows of the tallest grid a drawing of a transposed convolution shows: ``Z_full``."""
    return int(full_shape(call)[1])
