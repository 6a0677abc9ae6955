"""Tests of tracer.render.transpose: what the transposed convolution's steps show, against the trace."""

from __future__ import annotations

import numpy as np
from render_cases import box, drawn, fill, grid_10ij, rgba, texts

import tracer
from tracer import events as ev
from tracer.render.renderer import drawer_for
from tracer.render.style import CURRENT_FILL
from tracer.render.transpose import ScatterBackScene, ScatterScene


def forward_trace(hp=None):
    # input [[0, 1], [10, 11]], a 2x2 filter [[1, 2], [3, 4]]: every block is the input value times W
    W = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    with tracer.record() as trace:
        Z, cache = tracer.conv_transpose_forward(grid_10ij(2, 2), W, np.full((1, 1, 1, 1), 0.5),
                                                 hp or {"stride": 1, "pad": 0})
    return trace, Z, cache


def test_the_new_event_kinds_have_their_scenes():
    rows = {ScatterScene: [(ev.Scatter.code, *[0] * 8), (ev.Crop.code, 1, 0)],
            ScatterBackScene: [(ev.ScatterBack.code, *[0] * 8), (ev.Uncrop.code, 1, 0)]}
    for scene, kinds in rows.items():
        for row in kinds:
            assert drawer_for(ev.from_row(0, row)) is scene


def test_a_scatter_step_shows_the_cell_its_block_and_where_it_lands():
    trace, Z, _ = forward_trace()
    scene = drawn(trace, 3).scene  # input cell (1, 1) = 11, at stride 1 its block starts at (1, 1)
    assert fill(scene.g["x"], 1, 1) == rgba(CURRENT_FILL) and box(scene.cell) == (1, 1, 1, 1)
    assert texts(scene.g["block"]) == [["11.0", "22.0"], ["33.0", "44.0"]]
    assert box(scene.block) == (1, 1, 2, 2)
    # Z_full after the four blocks: 0 * W, 1 * W, 10 * W and 11 * W overlap on the middle row and column
    assert texts(scene.g["full"]) == [["0.00", "1.00", "2.00"], ["10.0", "34.0", "26.0"], ["30.0", "73.0", "44.0"]]
    z = scene.g["z"]  # Z is written by the cut, not yet: every cell covered, no number shown
    assert (z.cover.get_array()[..., 3] > 0).all() and z.current_text.get_text() == ""
    assert "added into Z_full[0, 1:3, 1:3, 0]" in scene.note.get_text()


def test_the_cut_reveals_Z_and_the_dashed_square_is_what_it_keeps():
    trace, Z, _ = forward_trace({"stride": 2, "pad": 1, "output_padding": 1})
    k = len(trace) - 1
    assert isinstance(trace[k], ev.Crop)
    scene = drawn(trace, k).scene
    # Z_full is (2 - 1) * 2 + 2 + 1 = 5 wide; the cut keeps rows and columns 1:4
    assert box(scene.frame) == (1, 1, 3, 3)
    # blocks 1 * W at rows 0:2, cols 2:4; 10 * W at rows 2:4, cols 0:2; 11 * W at rows 2:4, cols 2:4; then + 0.5
    assert texts(scene.g["z"]) == [["0.50", "3.50", "4.50"], ["20.5", "11.5", "22.5"], ["40.5", "33.5", "44.5"]]
    assert not scene.cell.get_visible() and not scene.block.get_visible()
    note = scene.note.get_text()
    assert "without 1 row and column on each side" in note and "output_padding 1" in note and "b[0] = 0.5" in note
    np.testing.assert_array_equal(Z[0, :, :, 0], [[0.5, 3.5, 4.5], [20.5, 11.5, 22.5], [40.5, 33.5, 44.5]])


def test_the_backward_steps_show_dZ_full_and_the_block_read_back():
    trace, Z, cache = forward_trace({"stride": 2, "pad": 1})
    with tracer.record() as back:
        tracer.conv_transpose_backward(np.ones(Z.shape), cache)
    scene = drawn(back, 0).scene  # dZ put back inside one row and column of zeros
    assert texts(scene.g["full"]) == [["0.00"] * 4, ["0.00", "1.00", "1.00", "0.00"], ["0.00", "1.00", "1.00", "0.00"],
                                      ["0.00"] * 4]
    assert box(scene.frame) == (1, 1, 2, 2) and "db = sum of dZ = 4" in scene.note.get_text()
    scene = drawn(back, 1).scene  # input cell (0, 0) reads back its block, rows 0:2, cols 0:2
    assert box(scene.block) == (0, 0, 2, 2) and box(scene.cell) == (0, 0, 1, 1)
    assert texts(scene.g["g"]) == [["0.00", "0.00"], ["0.00", "1.00"]]
    # dA_prev[0, 0, 0] += sum(W * g) = 4; dW += A_prev[0, 0, 0] * g = 0
    assert texts(scene.g["da"])[0] == ["4.00", "0.00"] and texts(scene.g["dw"]) == [["0.00", "0.00"], ["0.00", "0.00"]]


def test_the_figure_is_sized_for_the_full_output_and_the_header():
    trace, _, _ = forward_trace({"stride": 2, "pad": 1, "output_padding": 1})
    r = drawn(trace, 0)
    w, h = r.fig.get_size_inches()
    assert w >= 9.0  # the header names four parameters
    header = r.header.get_text()
    assert header == "conv_transpose_forward  (stride 2, pad 1, f 2, output_padding 1)"
