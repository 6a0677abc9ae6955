"""Tests of tracer.render and tracer.render.scenes: what each step's figure shows, against the trace.

Inputs are small enough to check by hand (``10*i + j``); expected numbers are
written out literally. Images are compared with small committed baselines
(``tests/baselines/``, 50 dpi); regenerate them after an intended change of the
drawing with ``TRACER_UPDATE_BASELINES=1 python -m pytest tests/test_render.py``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

import tracer  # noqa: E402
from tracer import render  # noqa: E402
from tracer.numbers import cell  # noqa: E402
from tracer.render.style import CELL_WIDTH, CHOSEN_FILL, CURRENT_FILL, PAD_FILL  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASELINES = Path(__file__).parent / "baselines"
UPDATE = os.environ.get("TRACER_UPDATE_BASELINES") == "1"
DPI = 50


def grid_10ij(n_H: int, n_W: int) -> np.ndarray:
    """``A[0, i, j, 0] = 10*i + j``, shape (1, n_H, n_W, 1)."""
    return (10.0 * np.arange(n_H)[:, None] + np.arange(n_W)[None, :]).reshape(1, n_H, n_W, 1)


def texts(grid) -> list[list[str]]:
    """The numbers a reader sees: on a grid that reveals its cells, the covered ones are blank."""
    shown = [[t.get_text() for t in row] for row in grid.texts]
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


# -- traces -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def conv_trace():
    """conv_forward of 10*i + j (3x3), W = [[1, 0], [0, -1]], b = 0.5, pad 1, stride 1: Z is 4x4."""
    W = np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)
    with tracer.record() as t:
        Z, cache = tracer.conv_forward(grid_10ij(3, 3), W, np.full((1, 1, 1, 1), 0.5), {"stride": 1, "pad": 1})
    return t


@pytest.fixture(scope="module")
def conv_back_trace():
    """conv_backward: A_prev 10*i + j (3x3), W = [[1, 2], [3, 4]], pad 0, stride 1, dZ = [[1, 0], [0, 2]]."""
    W = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    cache = (grid_10ij(3, 3), W, np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0})
    with tracer.record() as t:
        tracer.conv_backward(np.array([[1.0, 0.0], [0.0, 2.0]]).reshape(1, 2, 2, 1), cache)
    return t


def pool_trace(mode: str):
    with tracer.record() as t:
        tracer.pool_forward(grid_10ij(4, 4), {"f": 2, "stride": 2}, mode=mode)
    return t


@pytest.fixture(scope="module")
def standalone_trace():
    """zero_pad, conv_single_step, create_mask_from_window (a tie) and distribute_value."""
    with tracer.record() as t:
        tracer.zero_pad(grid_10ij(2, 2), 1)
        tracer.conv_single_step(np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1),
                                np.array([[1.0, -1.0], [2.0, 0.0]]).reshape(2, 2, 1), np.full((1, 1, 1), 0.5))
        tracer.create_mask_from_window(np.array([[1.0, 3.0], [3.0, 2.0]]))
        tracer.distribute_value(2.0, (2, 2))
    return t


@pytest.fixture(scope="module")
def pool_back_max_trace():
    """pool_backward max over [[1, 3], [3, 2]] (a tie), dA = 4."""
    A_prev = np.array([[1.0, 3.0], [3.0, 2.0]]).reshape(1, 2, 2, 1)
    with tracer.record() as t:
        tracer.pool_backward(np.full((1, 1, 1, 1), 4.0), (A_prev, {"f": 2, "stride": 2}), mode="max")
    return t


@pytest.fixture(scope="module")
def pool_back_avg_trace():
    """pool_backward average over a 4x4 input, f 2, stride 2, dA = [[1, 2], [3, 4]]."""
    with tracer.record() as t:
        tracer.pool_backward(np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1),
                             (np.zeros((1, 4, 4, 1)), {"f": 2, "stride": 2}), mode="average")
    return t


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
    assert scene.chosen.get_visible() and box(scene.chosen) == (1, 3, 1, 1)
    assert scene.g["x"].texts[3][1].get_fontweight() == "bold"
    assert scene.g["x"].texts[3][0].get_fontweight() == "normal"
    assert texts(scene.g["a"]) == [["11.0", "13.0"], ["31.0", ""]]
    assert box(scene.cell) == (0, 1, 1, 1)
    assert "= 31, at row 3, column 1" in scene.note.get_text()


def test_average_pool_writes_the_mean():
    t = pool_trace("average")
    scene = drawn(t, 2).scene
    assert not scene.chosen.get_visible()
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
    assert r.counter.get_text() == "channel 1 of 2 shown (sums over all 2)  ·  step 2 of 5"
    assert scene.g["x"].title.get_text() == "A_prev[0, :, :, 1]"  # no padding
    assert texts(scene.g["x"]) == [["10.0", "20.0"], ["30.0", "40.0"]]
    assert texts(scene.g["w"]) == [["2.00"]]
    note = scene.note.get_text()
    assert "Σ over the 2 input channels: 1 + 20" in note and "= 21" in note


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


def test_redrawing_only_what_changed_gives_the_pixels_of_a_full_draw(conv_trace):
    with tracer.record() as t:
        tracer.conv_forward(grid_10ij(2, 2), np.ones((2, 2, 1, 2)), np.zeros((1, 1, 1, 2)), {"stride": 1, "pad": 1})
        A, cache = tracer.pool_forward(grid_10ij(4, 4), {"f": 2, "stride": 2})
    fast, full = render.Renderer(t, dpi=40), render.Renderer(t, dpi=40, blit=False)
    for k in range(len(t)):
        fast.draw(k)
        full.draw(k)
        assert np.array_equal(np.asarray(fast.image()), np.asarray(full.image())), f"step {k}"


def test_write_player_files_and_json(conv_trace, tmp_path):
    player = render.write_player(conv_trace, tmp_path, "conv", steps=[0, 6, 16], dpi=DPI)
    out = tmp_path / "conv"
    assert sorted(p.name for p in out.iterdir()) == ["000.png", "001.png", "002.png", "anim.gif", "player.json"]
    import json

    assert json.loads((out / "player.json").read_text()) == player
    assert player["name"] == "conv" and player["gif"] == "anim.gif"
    assert [s["index"] for s in player["steps"]] == [0, 6, 16]
    assert [s["src"] for s in player["steps"]] == ["000.png", "001.png", "002.png"]
    assert player["steps"][1]["caption"] == conv_trace[6].describe()
    with Image.open(out / "001.png") as im:
        assert im.size == (player["width"], player["height"])
    with Image.open(out / "anim.gif") as gif:
        assert gif.n_frames == 3
    # rendered again with fewer steps and no GIF: nothing of the first render lingers
    render.write_player(conv_trace, tmp_path, "conv", steps=[2], dpi=DPI, gif=False)
    assert sorted(p.name for p in out.iterdir()) == ["000.png", "player.json"]


def test_frames_are_byte_identical_across_renders_and_processes(conv_trace, tmp_path):
    render.write_player(conv_trace, tmp_path / "a", "p", dpi=DPI, workers=1)
    render.write_player(conv_trace, tmp_path / "b", "p", dpi=DPI, workers=2)
    names = sorted(p.name for p in (tmp_path / "a" / "p").iterdir())
    assert len(names) == len(conv_trace) + 2
    for name in names:
        assert (tmp_path / "a" / "p" / name).read_bytes() == (tmp_path / "b" / "p" / name).read_bytes(), name


def test_an_animation_of_n_events_has_n_frames(tmp_path):
    t = pool_trace("max")
    anim = render.animate(t, dpi=30)
    assert isinstance(anim, FuncAnimation)
    assert len(list(anim.new_saved_frame_seq())) == len(t) == 4
    anim.save(tmp_path / "a.gif", writer=PillowWriter(fps=4))
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 4


def test_trace_methods_plot_animate_save_and_repr_png(tmp_path):
    t = pool_trace("average")
    t.goto(1)
    fig = t.plot(dpi=DPI)
    assert isinstance(fig, Figure)
    assert any("step 2 of 4" == txt.get_text() for txt in fig.texts)  # the cursor's step
    assert t._repr_png_().startswith(b"\x89PNG")
    assert t.save(tmp_path / "one.png", k=3, dpi=DPI).read_bytes() == render.png_bytes(t, 3, dpi=DPI)
    with Image.open(t.save(tmp_path / "all.gif", dpi=DPI)) as gif:
        assert gif.n_frames == 4
    assert (t.save(tmp_path / "frames", dpi=DPI, gif=False) / "003.png").exists()
    anim = t.animate(dpi=DPI, steps=[0, 3])
    anim.save(tmp_path / "two.gif", writer=PillowWriter(fps=2))
    with Image.open(tmp_path / "two.gif") as gif:
        assert gif.n_frames == 2


def test_a_new_event_kind_is_one_registration(monkeypatch, conv_trace):
    @dataclass(frozen=True)
    class Note:
        call: int
        kind = "note"

        def describe(self) -> str:
            return "a note"

    fig = render.new_figure(dpi=DPI)
    with pytest.raises(ValueError, match="no drawer for events of kind 'Note'.*DRAWERS\\[Note\\]"):
        render.draw_event(fig, Note(0), conv_trace.calls[0], {})
    monkeypatch.setitem(render.DRAWERS, Note, lambda fig, event, call, state, channel=0: [fig.text(0, 0, "n")])
    artists = render.draw_event(fig, Note(0), conv_trace.calls[0], {})
    assert [a.get_text() for a in artists] == ["n"]


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_bad_arguments_are_named(conv_trace, tmp_path):
    n = len(conv_trace)
    with pytest.raises(IndexError, match=f"plot: k = {n} is out of range: the trace has {n} events"):
        render.plot(conv_trace, n)
    with pytest.raises(ValueError, match="channel must be an input channel from 0 to 0 .* got 2"):
        render.plot(conv_trace, 1, channel=2)
    with pytest.raises(TypeError, match="channel must be an int"):
        render.plot(conv_trace, 1, channel="red")
    with pytest.raises(ValueError, match="dpi must be an int from 10 to 600, got 5"):
        render.plot(conv_trace, 1, dpi=5)
    with pytest.raises(IndexError, match="write_player: steps item = 99 is out of range"):
        render.write_player(conv_trace, tmp_path, "x", steps=[0, 99])
    with pytest.raises(ValueError, match="steps must name at least one step"):
        render.write_player(conv_trace, tmp_path, "x", steps=[])
    with pytest.raises(ValueError, match="name must be a non-empty file name without '/', got 'a/b'"):
        render.write_player(conv_trace, tmp_path, "a/b")
    with pytest.raises(ValueError, match="path must end in .gif or .png, or be a directory, got"):
        render.save(conv_trace, tmp_path / "x.txt")
    with pytest.raises(ValueError, match="interval must be a positive int"):
        render.animate(conv_trace, interval=0)
    with pytest.raises(TypeError, match="trace must be a tracer.Trace"):
        render.plot([1, 2], 0)
    with tracer.record() as empty:
        pass
    with pytest.raises(ValueError, match="the trace has no events to draw"):
        render.plot(empty)
    assert not list(tmp_path.iterdir())  # every refusal came before any file was written


def test_the_core_never_imports_matplotlib():
    code = ("import sys, numpy as np, tracer\n"
            "with tracer.record() as t:\n"
            "    tracer.conv_forward(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)),"
            " {'stride': 1, 'pad': 0})\n"
            "t.text(1); t.replay(); repr(t.next())\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_benchmark_runs_quick():
    out = subprocess.run([sys.executable, "scripts/bench_render.py", "--quick"], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert "ms/frame" in out.stdout and "trace.plot(k)" in out.stdout and "targets:" in out.stdout


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
