"""Tests of tracer.render.scenes: what each step's figure shows, against the trace.

Images are compared with small committed baselines (``tests/baselines/``, 50 dpi);
regenerate them after an intended change of the drawing with
``TRACER_UPDATE_BASELINES=1 python -m pytest tests/test_render_scenes.py``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from render_cases import DPI, box, drawn, fill, grid_10ij, pool_trace, rgba, texts

import tracer
from tracer import render
from tracer.render.style import ADDED_FILL, CHOSEN_FILL, CURRENT_FILL, PAD_FILL

BASELINES = Path(__file__).parent / "baselines"
UPDATE = os.environ.get("TRACER_UPDATE_BASELINES") == "1"


# -- what each kind of step shows ----------------------------------------------------------------


def test_conv_window_shows_window_filter_products_formula_and_output(conv_trace):
    k = 6  # the padding step, then windows in row-major order: step 6 is output cell (1, 1)
    event = conv_trace[k]
    assert (event.h, event.w) == (1, 1)
    scene = drawn(conv_trace, k).scene
    assert box(scene.window) == (1, 1, 2, 2)  # rows 1:3, cols 1:3 of the padded input
    assert box(scene.cell) == (1, 1, 1, 1)
    assert texts(scene.g["x"])[0] == ["0"] * 5  # padding zeros
    assert texts(scene.g["x"])[2] == ["0", "10.0", "11.0", "12.0", "0"]
    assert texts(scene.g["w"]) == [["1.00", "0.00"], ["0.00", "-1.00"]]
    assert texts(scene.g["prod"]) == [["0.00", "0.00"], ["0.00", "-11.0"]]  # [[0, 1], [10, 11]] * W
    assert texts(scene.g["z"]) == [
        ["0.50", "-0.50", "-1.50", "0.50"],
        ["-9.50", "-10.5", "", ""],
        ["", "", "", ""],
        ["", "", "", ""],
    ]
    assert fill(scene.g["z"], 1, 1) == rgba(CURRENT_FILL)
    assert fill(scene.g["z"], 2, 0) == rgba("#ffffff")  # not written yet
    assert fill(scene.g["x"], 0, 0) == rgba(PAD_FILL)
    assert fill(scene.g["x"], 1, 1) != rgba(PAD_FILL)
    note = scene.note.get_text()
    assert "Σ of the 4 products = -11" in note and "+ b = 0.5" in note and "Z[0, 1, 1, 0] = -10.5" in note


def test_padding_tells_original_cells_from_added_zeros(standalone_trace):
    scene = drawn(standalone_trace, 0).scene
    dst = scene.g["dst"]
    assert texts(dst) == [["0", "0", "0", "0"], ["0", "0.00", "1.00", "0"], ["0", "10.0", "11.0", "0"],
                          ["0", "0", "0", "0"]]
    assert fill(dst, 0, 2) == rgba(PAD_FILL) and fill(dst, 1, 1) != rgba(PAD_FILL)
    assert box(scene.frame) == (1, 1, 2, 2)  # the original cells, dashed
    assert "(1, 2, 2, 1) → (1, 4, 4, 1)" in scene.note.get_text().replace("\u00a0", " ")


def test_max_pool_marks_the_chosen_cell():
    t = pool_trace("max")
    scene = drawn(t, 2).scene  # output cell (1, 0): rows 2:4, cols 0:2, max 31 at (3, 1)
    assert box(scene.window) == (0, 2, 2, 2)
    # the chosen maximum: a green cell under a bold number (an outline would cover a small cell's number)
    assert fill(scene.g["x"], 3, 1) == rgba(CHOSEN_FILL) and fill(scene.g["x"], 3, 0) != rgba(CHOSEN_FILL)
    assert scene.g["x"].cells.cell(3, 1).weight == "bold"
    assert scene.g["x"].cells.cell(3, 0).weight == "normal"
    assert texts(scene.g["a"]) == [["11.0", "13.0"], ["31.0", ""]]
    assert box(scene.cell) == (0, 1, 1, 1)
    assert "= 31, at row 3, column 1" in scene.note.get_text()


def test_average_pool_writes_the_mean():
    t = pool_trace("average")
    scene = drawn(t, 2).scene
    assert not any(fill(scene.g["x"], r, q) == rgba(CHOSEN_FILL) for r in range(4) for q in range(4))
    assert "(20 + 21 + 30 + 31) / 4 = 25.5" in scene.note.get_text()
    assert texts(scene.g["a"]) == [["5.50", "7.50"], ["25.5", ""]]


def test_max_pool_backward_shows_the_mask_with_its_ties(pool_back_max_trace):
    scene = drawn(pool_back_max_trace, 0).scene
    assert texts(scene.g["mask"]) == [["0", "1"], ["1", "0"]]
    assert fill(scene.g["mask"], 0, 1) == rgba(CHOSEN_FILL) and fill(scene.g["mask"], 0, 0) != rgba(CHOSEN_FILL)
    assert texts(scene.g["dprev"]) == [["0.00", "4.00"], ["4.00", "0.00"]]  # both tied maxima get g
    assert box(scene.win_prev) == (0, 0, 2, 2)
    assert "all 2 tied maxima" in scene.note.get_text()


def test_average_pool_backward_spreads_the_value(pool_back_avg_trace):
    scene = drawn(pool_back_avg_trace, 3).scene  # output cell (1, 1), g = 4
    assert texts(scene.g["share"]) == [["1.00", "1.00"], ["1.00", "1.00"]]
    assert texts(scene.g["dprev"]) == [["0.25", "0.25", "0.50", "0.50"], ["0.25", "0.25", "0.50", "0.50"],
                                       ["0.75", "0.75", "1.00", "1.00"], ["0.75", "0.75", "1.00", "1.00"]]
    assert box(scene.win_prev) == (2, 2, 2, 2)
    assert box(scene.cell) == (1, 1, 1, 1)
    assert "4 / 4 = 1" in scene.note.get_text()


def test_conv_backward_shows_what_each_gradient_receives(conv_back_trace):
    scene = drawn(conv_back_trace, 3).scene  # output cell (1, 1), g = 2, window rows 1:3, cols 1:3
    assert box(scene.cell) == (1, 1, 1, 1)
    assert box(scene.win_da) == box(scene.win_x) == (1, 1, 2, 2)
    assert texts(scene.g["wg"]) == [["2.00", "4.00"], ["6.00", "8.00"]]
    assert texts(scene.g["xg"]) == [["22.0", "24.0"], ["42.0", "44.0"]]
    assert texts(scene.g["da"]) == [["1.00", "2.00", "0.00"], ["3.00", "6.00", "4.00"], ["0.00", "6.00", "8.00"]]
    assert texts(scene.g["dw"]) == [["22.0", "25.0"], ["52.0", "55.0"]]
    assert texts(scene.g["db"]) == [["3.00"]]


def test_standalone_single_step_mask_and_distribute(standalone_trace):
    r = render.Renderer(standalone_trace, dpi=DPI)
    r.draw(1)
    assert texts(r.scene.g["prod"]) == [["1.00", "-2.00"], ["6.00", "0.00"]]
    assert "Σ of the 4 products = 5" in r.scene.note.get_text() and "Z = 5.5" in r.scene.note.get_text()
    r.draw(2)
    assert texts(r.scene.g["mask"]) == [["False", "True"], ["True", "False"]]
    assert "2 tied cells" in r.scene.note.get_text()
    r.draw(3)
    assert texts(r.scene.g["a"]) == [["0.50", "0.50"], ["0.50", "0.50"]]
    assert "2 / 4 = 0.5" in r.scene.note.get_text()


def test_several_channels_one_at_a_time_and_the_sum_over_channels():
    A_prev = np.zeros((1, 2, 2, 2))
    A_prev[0, :, :, 0] = [[1, 2], [3, 4]]
    A_prev[0, :, :, 1] = [[10, 20], [30, 40]]
    W = np.array([1.0, 2.0]).reshape(1, 1, 2, 1)
    with tracer.record() as t:
        tracer.conv_forward(A_prev, W, np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0})
    r = drawn(t, 1, channel=1)  # output cell (0, 0): 1*1 + 10*2 = 21
    scene = r.scene
    assert r.header_note.get_text() == "channel 1 of 2 shown (sums over all 2)"
    assert r.caption.get_text().startswith("step 1 (0-4):  Z[0, 0, 0, 0] = ")  # numbered as trace[1] counts
    assert scene.g["x"].title.get_text() == "A_prev[0, :, :, 1]"  # no padding
    assert texts(scene.g["x"]) == [["10.0", "20.0"], ["30.0", "40.0"]]
    assert texts(scene.g["w"]) == [["2.00"]]
    note = scene.note.get_text()
    assert "Σ over the 2 input channels: 1 + 20" in note and "= 21" in note


def test_a_filtered_trace_draws_its_steps_with_everything_before_them(conv_trace):
    only = conv_trace.where("conv_window", cell=(1, 1))
    assert len(only) == 1
    scene = drawn(only, 0).scene
    assert texts(scene.g["z"]) == [  # the windows before (1, 1) were applied too
        ["0.50", "-0.50", "-1.50", "0.50"],
        ["-9.50", "-10.5", "", ""],
        ["", "", "", ""],
        ["", "", "", ""],
    ]
    assert box(scene.window) == (1, 1, 2, 2)


# -- images --------------------------------------------------------------------------------------

BASELINE_CASES = {
    "conv_window": ("conv_trace", 6),
    "conv_backward": ("conv_back_trace", 3),
    "pad": ("standalone_trace", 0),
    "single_step": ("standalone_trace", 1),
    "mask": ("standalone_trace", 2),
    "distribute": ("standalone_trace", 3),
    "pool_backward_max": ("pool_back_max_trace", 0),
    "pool_backward_average": ("pool_back_avg_trace", 3),
}


@pytest.mark.parametrize("name", sorted(BASELINE_CASES))
def test_images_match_their_baselines(name, request):
    fixture, k = BASELINE_CASES[name]
    trace = request.getfixturevalue(fixture)
    data = render.png_bytes(trace, k, dpi=DPI)
    path = BASELINES / f"{name}.png"
    if UPDATE:
        BASELINES.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no baseline {path}; create it with TRACER_UPDATE_BASELINES=1"
    got = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float)
    want = np.asarray(Image.open(path).convert("RGB"), dtype=float)
    assert got.shape == want.shape
    rms = np.sqrt(np.mean((got - want) ** 2))
    assert rms < 2.0, f"{name}: RMS pixel difference {rms:.2f} from the baseline"


def test_pool_forward_images_match_their_baselines():
    for mode in ("max", "average"):
        data = render.png_bytes(pool_trace(mode), 2, dpi=DPI)
        path = BASELINES / f"pool_forward_{mode}.png"
        if UPDATE:
            path.write_bytes(data)
        got = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float)
        want = np.asarray(Image.open(path).convert("RGB"), dtype=float)
        assert got.shape == want.shape and np.sqrt(np.mean((got - want) ** 2)) < 2.0


# -- a dilated window: its spread cells, not a solid box -------------------------------------------


def test_a_dilated_window_outlines_the_cells_it_reads():
    with tracer.record() as trace:
        tracer.conv_forward(grid_10ij(5, 5), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)),
                            {"stride": 1, "pad": 0, "dilation": 2})
    k = 2  # the padding step, then output cell (0, 1): rows 0 and 2, columns 1 and 3
    scene = drawn(trace, k).scene
    assert box(scene.window) == (1, 0, 3, 3) and scene.window.get_linestyle() == "--"  # the span, dashed
    assert sorted(box(b) for b in scene.read) == [(1, 0, 1, 1), (1, 2, 1, 1), (3, 0, 1, 1), (3, 2, 1, 1)]
    assert texts(scene.g["prod"]) == [["1.00", "3.00"], ["21.0", "23.0"]]  # the four cells read, times ones
    assert "Σ of the 4 products = 48" in scene.note.get_text()
    assert "dilation 2" in scene.g["x"].title.get_text()
    # an undilated window has its one solid box and no cell boxes
    with tracer.record() as plain:
        tracer.conv_forward(grid_10ij(5, 5), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0})
    scene = drawn(plain, 2).scene
    assert scene.read == [] and scene.window.get_linestyle() == "-"


def test_a_dilated_backward_window_adds_to_the_spread_cells_only():
    cache = (grid_10ij(5, 5), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0, "dilation": 2})
    with tracer.record() as trace:
        tracer.conv_backward(np.ones((1, 3, 3, 1)), cache)
    scene = drawn(trace, 0).scene  # window (0, 0): rows and columns 0 and 2
    added = {(r, c) for r in range(5) for c in range(5) if fill(scene.g["da"], r, c) == rgba(ADDED_FILL)}
    assert added == {(0, 0), (0, 2), (2, 0), (2, 2)}
    assert sorted(box(b) for b in scene.read_da) == sorted(box(b) for b in scene.read_x) == [
        (0, 0, 1, 1), (0, 2, 1, 1), (2, 0, 1, 1), (2, 2, 1, 1)]
    assert texts(scene.g["xg"]) == [["0.00", "2.00"], ["20.0", "22.0"]]  # the cells read, times g = 1
