"""Inputs, traces and accessors shared by the tests of tracer.render (tests/test_render_*.py).

Inputs are small enough to check by hand (``10*i + j``); the tests write the
expected numbers out literally. The traces the tests take as fixtures are in
conftest.py.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

import tracer  # noqa: E402
from tracer import render  # noqa: E402

DPI = 50


def grid_10ij(n_H: int, n_W: int) -> np.ndarray:
    """``A[0, i, j, 0] = 10*i + j``, shape (1, n_H, n_W, 1)."""
    return (10.0 * np.arange(n_H)[:, None] + np.arange(n_W)[None, :]).reshape(1, n_H, n_W, 1)



def texts(grid) -> list[list[str]]:
    """The numbers a reader sees: on a grid that reveals its cells, the covered ones are blank."""
    shown = grid.cells.texts() if grid.cells is not None else []
    if grid.cover is not None:
        cover = grid.cover.get_array()
        shown = [[txt if cover[r, c, 3] == 0 or (c, r) == grid.current_text.get_position() else ""
                  for c, txt in enumerate(row)] for r, row in enumerate(shown)]
    return shown



def fill(grid, r: int, c: int) -> tuple:
    """The colour of a cell as drawn (the cover's, where it covers the cell)."""
    if grid.cover is not None and grid.cover.get_array()[r, c, 3] > 0:
        return tuple(np.round(grid.cover.get_array()[r, c], 3))
    return tuple(np.round(grid.image.get_array()[r, c], 3))



def rgba(color: str) -> tuple:
    return tuple(np.round(to_rgba(color), 3))



def box(rect) -> tuple:
    """An outline as (first column, first row, columns, rows) of the cells it surrounds."""
    inset = rect.inset
    x, y = rect.get_xy()
    return (round(x + 0.5 - inset, 6), round(y + 0.5 - inset, 6),
            round(rect.get_width() + 2 * inset, 6), round(rect.get_height() + 2 * inset, 6))



def drawn(trace, k: int, **kwargs) -> render.Renderer:
    r = render.Renderer(trace, dpi=DPI, **kwargs)
    r.draw(k)
    return r


# -- traces ------------------------------------------------------------------------------------


def pool_trace(mode: str):
    with tracer.record() as t:
        tracer.pool_forward(grid_10ij(4, 4), {"f": 2, "stride": 2}, mode=mode)
    return t
