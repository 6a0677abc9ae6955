"""Tests of tracer.render.grid: a grid shows numbers when its cells are big enough, a colour scale when not."""

from __future__ import annotations

import numpy as np
from render_cases import drawn

import tracer
from tracer.numbers import cell
from tracer.render.style import CELL_WIDTH

def test_big_grids_get_a_colour_scale_instead_of_numbers():
    np.random.seed(0)
    with tracer.record(channels=[0]) as t:
        tracer.conv_forward(np.random.randn(1, 20, 20, 1), np.random.randn(3, 3, 1, 1), np.zeros((1, 1, 1, 1)),
                            {"stride": 1, "pad": 0})
    scene = drawn(t, 5).scene
    assert not scene.g["x"].numbers and scene.g["x"].texts == [] and scene.g["x"].colorbar is not None
    assert scene.g["w"].numbers and scene.g["w"].colorbar is None  # the 3x3 filter keeps readable cells


def test_cells_keep_numbers_short():
    assert [cell(v, CELL_WIDTH) for v in (0.004, -0.004, 0.0, -0.0, 1.234, -12.34, 123.4, 123456.0, np.nan)] == [
        "4e-3", "-4e-3", "0.00", "0.00", "1.23", "-12.3", "123", "1e+05", ""]
