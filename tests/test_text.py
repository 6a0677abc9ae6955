"""Text pictures of trace steps (tracer.text): literal grids, and every step of every kind
fits in 80 columns, big inputs included (their grids are cropped around the window)."""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from tracer import text


def grid_input(n_H, n_W):
    return 10.0 * np.arange(n_H)[:, None] + np.arange(n_W)[None, :]


def record_every_kind(A_prev, W, hp, pool_hp):
    """Trace every conv/pool event kind over ``A_prev``."""
    with tracer.record(examples=0, channels=[0, 1]) as trace:
        Z, cache = tracer.conv_forward(A_prev, W, np.zeros((1, 1, 1, W.shape[3])), hp)
        tracer.conv_backward(Z, cache)
        A, pool_cache = tracer.pool_forward(A_prev, pool_hp, mode="max")
        tracer.pool_backward(A, pool_cache, mode="max")
        A, pool_cache = tracer.pool_forward(A_prev, pool_hp, mode="average")
        tracer.pool_backward(A, pool_cache, mode="average")
        tracer.zero_pad(A_prev, 2)
        f = W.shape[0]
        tracer.conv_single_step(A_prev[0, :f, :f, :], W[:, :, :, 0], np.zeros((1, 1, 1)))
        tracer.create_mask_from_window(A_prev[0, :2, :2, 0])
        tracer.distribute_value(1.5, (2, 2))
    return trace


def test_grid_literal():
    x = grid_input(3, 4)
    x[2, 3] = np.nan
    assert text.grid("x", x, (0, 2, 1, 3), marks={(1, 2)}) == "\n".join(
        [
            "x  (3x4)",
            "   0.00 [  1.00][  2.00]   3.00 ",
            "  10.00 [ 11.00][ 12.00*  13.00 ",
            "  20.00   21.00   22.00       . ",
        ]
    )


def test_grid_numbers_keep_their_width():
    x = np.array([[-99.99, 123.4, -9999.0, 12345.0, -1e100, 0.004]])
    assert text.grid("big", x) == "big  (1x6)\n" + "".join(
        [" -99.99 ", "    123 ", "  -9999 ", "  1e+04 ", " -1e100 ", "   4e-3 "]
    )


def test_grid_crops_around_the_window():
    x = grid_input(28, 28)
    picture = text.grid("x", x, (20, 23, 5, 8)).splitlines()
    assert picture[0] == "x  (28x28, rows 16-25, cols 1-10 shown)"
    assert len(picture) == 11
    # row 20 of 10*i + j, columns 1 to 10, with columns 5:8 in brackets
    assert picture[5] == "    201     202     203     204 [   205][   206][   207]    208     209     210 "


def test_grid_focus_picks_the_corner():
    picture = text.grid("x", grid_input(20, 20), (2, 18, 2, 18), focus=(0, 0)).splitlines()
    assert picture[0] == "x  (20x20, rows 0-9, cols 0-9 shown)"
    assert picture[1].startswith("   0.00    1.00 ")
    assert picture[3].startswith("  20.00   21.00 [ 22.00][ 23.00]")


@pytest.mark.parametrize(
    "shape, W_shape, hp, pool_hp",
    [
        ((2, 5, 7, 3), (3, 3, 3, 2), {"stride": 2, "pad": 1}, {"f": 3, "stride": 2}),
        ((1, 4, 4, 1), (2, 2, 1, 2), {"stride": 1, "pad": 0}, {"f": 2, "stride": 2}),
    ],
)
def test_every_step_fits_in_80_columns(shape, W_shape, hp, pool_hp):
    rng = np.random.default_rng(0)
    A_prev = rng.standard_normal(shape) * 300  # values of every width
    trace = record_every_kind(A_prev, rng.standard_normal(W_shape), hp, pool_hp)
    kinds = set()
    for k in range(len(trace)):
        picture = trace.text(k)
        assert picture.startswith(f"step {k} (0-{len(trace) - 1})  {trace.call_of(k).name}: ")  # as trace[k] counts
        for line in picture.splitlines():
            assert len(line) <= text.WIDTH, (k, line)
        kinds.add(trace[k].kind)
    assert kinds == {
        "pad", "conv_window", "conv_back_window", "pool_window", "pool_back_window", "single_step", "mask", "distribute"
    }


def test_big_input_is_cropped_and_fits():
    rng = np.random.default_rng(1)
    A_prev = rng.standard_normal((1, 28, 28, 2)) * 1000
    trace = record_every_kind(A_prev, rng.standard_normal((5, 5, 2, 2)), {"stride": 1, "pad": 2}, {"f": 2, "stride": 2})
    for kind in ("pad", "conv_window", "conv_back_window", "pool_window", "pool_back_window"):
        sub = trace.where(kind)
        for k in sorted({0, len(sub) // 2, len(sub) - 1}):
            picture = sub.text(k)
            assert "shown)" in picture, kind  # cropped
            assert max(len(line) for line in picture.splitlines()) <= text.WIDTH, kind
            if kind != "pad":  # the window is in view: its brackets show
                assert "[" in picture.split("\n\n")[1], kind


def test_conv_window_picture_literal():
    A_prev = grid_input(3, 3)[None, :, :, None]
    with tracer.record() as trace:
        tracer.conv_forward(A_prev, np.ones((2, 2, 1, 1)), np.full((1, 1, 1, 1), 0.5), {"stride": 1, "pad": 0})
    assert trace.text(2) == "\n".join(
        [
            "step 2 (0-4)  conv_forward: Z[0, 0, 1, 0] = sum(window * W[..., 0]) + b[0] =",
            "  26.5 (window rows 0:2, cols 1:3)",
            "",
            "A_prev_pad[0, :, :, 0], channel 0 of 1  (3x3)",
            "   0.00 [  1.00][  2.00]",
            "  10.00 [ 11.00][ 12.00]",
            "  20.00   21.00   22.00 ",
            "",
            "W[:, :, 0, 0], b = 0.5  (2x2)",
            "   1.00    1.00 ",
            "   1.00    1.00 ",
            "",
            "Z[0, :, :, 0] so far  (2x2)",
            "  22.50 [ 26.50]",
            "      .       . ",
        ]
    )


def test_pool_window_picture_marks_the_max():
    A_prev = grid_input(2, 2)[None, :, :, None]
    with tracer.record() as trace:
        tracer.pool_forward(A_prev, {"f": 2, "stride": 1})
    lines = trace.text(0).splitlines()
    assert lines[:6] == [
        "step 0 (0-0)  pool_forward: A[0, 0, 0, 0] = max of the window = 11, found at row",
        "  1, column 1",
        "",
        "A_prev[0, :, :, 0] (* marks the max)  (2x2)",
        "[  0.00][  1.00]",
        "[ 10.00][ 11.00*",
    ]


def test_step_repr_is_the_picture():
    with tracer.record() as trace:
        tracer.distribute_value(2.0, (2, 2))
    step = trace.goto(0)
    assert repr(step) == trace.text(0) == "\n".join(
        [
            "step 0 (0-0)  distribute_value: each cell gets dz / (n_H * n_W) = 2 / 4 = 0.5",
            "",
            "a  (2x2)",
            "   0.50    0.50 ",
            "   0.50    0.50 ",
        ]
    )


def test_tiny_values_show_their_size_and_negative_zero_reads_zero():
    assert [text._number(v) for v in (0.004, -0.004, 1e-12, 0.0, -0.0, 0.005, 1.5)] == [
        "  4e-3", " -4e-3", " 1e-12", "  0.00", "  0.00", "  0.01", "  1.50"]


def test_network_steps_show_the_arrays_they_wrote():
    # W = [[1, 2]], b = [[3]], A_prev = [[1, 0], [0, 1]]: Z = W A_prev + b = [[4, 5]];
    # backward with dZ = [[1, 2]], m = 2: dW = dZ A_prev.T / 2 = [[0.5, 1]], db = 3 / 2, dA_prev = W.T dZ
    A_prev, W, b = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 2.0]]), np.array([[3.0]])
    with tracer.record() as trace:
        tracer.linear_forward(A_prev, W, b)
        tracer.linear_backward(np.array([[1.0, 2.0]]), (A_prev, W, b))
    assert trace.text(0).splitlines()[-2:] == ["Z after this step  (1x2)", "   4.00    5.00 "]
    assert trace.text(1).splitlines()[-9:] == [
        "dW after this step  (1x2)",
        "   0.50    1.00 ",
        "",
        "db after this step  (1x1)",
        "   1.50 ",
        "",
        "dA_prev after this step  (2x2)",
        "   1.00    2.00 ",
        "   2.00    4.00 ",
    ]
    assert all(len(line) <= 80 for k in range(2) for line in trace.text(k).splitlines())


def test_dilated_window_brackets_only_the_cells_it_reads():
    A_prev = grid_input(3, 4)[None, :, :, None]
    with tracer.record() as trace:
        tracer.conv_forward(A_prev, np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0, "dilation": 2})
    # the second window starts at column 1 and reads columns 1 and 3 of rows 0 and 2: 1 + 3 + 21 + 23
    assert trace.text(2).split("\n\n")[:2] == [
        "step 2 (0-2)  conv_forward: Z[0, 0, 1, 0] = sum(window * W[..., 0]) + b[0] = 48\n"
        "  (window rows 0:3, cols 1:4) (dilation 2: the window reads every 2nd row and\n"
        "  column)",
        "A_prev_pad[0, :, :, 0], channel 0 of 1  (3x4)\n"
        "   0.00 [  1.00]   2.00 [  3.00]\n"
        "  10.00   11.00   12.00   13.00 \n"
        "  20.00 [ 21.00]  22.00 [ 23.00]",
    ]


def test_transposed_convolution_scatter_picture_literal():
    with tracer.record() as trace:
        tracer.conv_transpose_forward(np.array([[[[1.0], [2.0]]]]), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)),
                                      {"stride": 1, "pad": 0})
    # the second input cell (0, 1) adds 2 * W into columns 1:3: the middle column now holds 1 + 2
    parts = trace.text(1).split("\n\n")
    assert [parts[1], parts[3]] == [
        "A_prev[0, :, :, 0], the input cell in brackets  (1x2)\n"
        "   1.00 [  2.00]",
        "Z_full[0, :, :, 0] so far, its block in brackets  (2x3)\n"
        "   1.00 [  3.00][  2.00]\n"
        "   1.00 [  3.00][  2.00]",
    ]
