"""Tests of tracer.render.grid: a grid shows numbers when its cells are big enough, a colour scale when not."""

from __future__ import annotations

import numpy as np
from matplotlib.transforms import Bbox
from render_cases import drawn

import tracer
from tracer import render
from tracer.numbers import cell
from tracer.render.glyphs import axes_text
from tracer.render.grid import CellNumbers
from tracer.render.style import CELL_WIDTH, INK, MUTED

def test_big_grids_get_a_colour_scale_instead_of_numbers():
    np.random.seed(0)
    with tracer.record(channels=[0]) as t:
        tracer.conv_forward(np.random.randn(1, 20, 20, 1), np.random.randn(3, 3, 1, 1), np.zeros((1, 1, 1, 1)),
                            {"stride": 1, "pad": 0})
    scene = drawn(t, 5).scene
    assert not scene.g["x"].numbers and scene.g["x"].cells is None and scene.g["x"].colorbar is not None
    assert scene.g["w"].numbers and scene.g["w"].colorbar is None  # the 3x3 filter keeps readable cells


def test_cells_keep_numbers_short():
    assert [cell(v, CELL_WIDTH) for v in (0.004, -0.004, 0.0, -0.0, 1.234, -12.34, 123.4, 123456.0, np.nan)] == [
        "4e-3", "-4e-3", "0.00", "0.00", "1.23", "-12.3", "123", "1e+05", ""]


def numbers_drawn(one_artist: bool) -> np.ndarray:
    """A 3x4 grid's numbers (two colours, a bold one), as one CellNumbers or as a GlyphText per cell."""
    fig = render.new_figure(dpi=60)
    ax = fig.add_axes((0.2, 0.2, 0.6, 0.6))
    ax.set_xlim(-0.5, 3.5)
    ax.set_ylim(2.5, -0.5)
    ax.set_axis_off()
    cells = {(r, c): (cell(10.0 * r - c / 3, CELL_WIDTH), MUTED if c == 0 else INK, "bold" if (r, c) == (1, 2) else
                      "normal") for r in range(3) for c in range(4)}
    if one_artist:
        numbers = CellNumbers(ax, (3, 4), 9.0)
        for (r, c), (text, color, weight) in cells.items():
            numbers.set_cell(r, c, text, color, weight)
    else:
        for (r, c), (text, color, weight) in cells.items():
            axes_text(ax, c, r, text, ha="center", va="center_baseline", fontsize=9.0, color=color, fontweight=weight,
                      zorder=3)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_a_grids_numbers_drawn_as_one_artist_are_those_of_a_text_per_cell():
    one, many = numbers_drawn(True), numbers_drawn(False)
    assert (one[..., :3].min(axis=2) < 100).sum() > 150  # twelve numbers were drawn
    assert np.array_equal(one, many)


def test_cell_numbers_go_stale_only_when_a_cell_changes():
    fig = render.new_figure(dpi=40)
    numbers = CellNumbers(fig.add_axes((0, 0, 1, 1)), (2, 2), 9.0)
    numbers.set_cell(0, 1, "1.00")
    assert numbers.texts() == [["", "1.00"], ["", ""]] and numbers.cell(0, 1) == ("1.00", INK, "normal")
    fig.canvas.draw()
    assert not numbers.stale
    numbers.set_cell(0, 1, "1.00")
    assert not numbers.stale
    numbers.set_cell(0, 1, "1.00", weight="bold")
    assert numbers.stale
    assert repr(numbers) == "<CellNumbers 2x2, 9 pt>"


def test_cell_numbers_measure_as_the_union_of_their_texts():
    fig = render.new_figure(dpi=50)
    ax = fig.add_axes((0.2, 0.2, 0.6, 0.6))
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(0.5, -0.5)
    numbers = CellNumbers(ax, (1, 2), 9.0)
    assert numbers.get_window_extent(fig.canvas.get_renderer()).width == 0  # nothing written yet
    numbers.set_cell(0, 0, "-1.25")
    numbers.set_cell(0, 1, "3.00")
    texts = [axes_text(ax, c, 0, s, ha="center", va="center_baseline", fontsize=9.0) for c, s in [(0, "-1.25"), (1, "3.00")]]
    renderer = fig.canvas.get_renderer()
    expected = Bbox.union([t.get_window_extent(renderer) for t in texts])
    assert np.allclose(numbers.get_window_extent(renderer).bounds, expected.bounds)
