"""Tests of tracer.render.renderer and tracer.render.checks: drawing steps, reusing artists, refusing bad arguments."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.figure import Figure
from PIL import Image
from render_cases import DPI, grid_10ij, pool_trace

import tracer
from tracer import render

ROOT = Path(__file__).resolve().parents[1]


def test_redrawing_only_what_changed_gives_the_pixels_of_a_full_draw(conv_trace):
    with tracer.record() as t:
        tracer.conv_forward(grid_10ij(2, 2), np.ones((2, 2, 1, 2)), np.zeros((1, 1, 1, 2)), {"stride": 1, "pad": 1})
        A, cache = tracer.pool_forward(grid_10ij(4, 4), {"f": 2, "stride": 2})
    fast, full = render.Renderer(t, dpi=40), render.Renderer(t, dpi=40, blit=False)
    for k in range(len(t)):
        fast.draw(k)
        full.draw(k)
        assert np.array_equal(np.asarray(fast.image()), np.asarray(full.image())), f"step {k}"


def test_an_animation_of_n_events_has_n_frames(tmp_path):
    t = pool_trace("max")
    anim = render.animate(t, dpi=30)
    assert isinstance(anim, FuncAnimation)
    assert len(list(anim.new_saved_frame_seq())) == len(t) == 4
    anim.save(tmp_path / "a.gif", writer=PillowWriter(fps=4))
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 4


def test_trace_methods_plot_animate_save_and_the_step_png(tmp_path):
    t = pool_trace("average")
    t.goto(1)
    fig = t.plot(dpi=DPI)
    assert isinstance(fig, Figure)
    assert any(txt.get_text().startswith("step 1 (0-3):  ") for txt in fig.texts)  # the cursor's step, as goto() counts
    assert t.step()._repr_png_() == render.png_bytes(t, 1)  # Jupyter shows the cursor's step as its picture
    assert t.save(tmp_path / "one.png", k=3, dpi=DPI).read_bytes() == render.png_bytes(t, 3, dpi=DPI)
    with Image.open(t.save(tmp_path / "all.gif", dpi=DPI)) as gif:
        assert gif.n_frames == 4
    assert (t.save(tmp_path / "frames", dpi=DPI, gif=False) / "003.png").exists()
    assert t.animate(dpi=DPI, steps=[0, 3]).steps == [0, 3]  # the step player (tests/test_render_notebook.py)
    anim = render.animate(t, dpi=DPI, steps=[0, 3])  # matplotlib's FuncAnimation
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
    with pytest.raises(TypeError, match=r"plot: caption must be True or False, got 'no' \(str\)"):
        render.plot(conv_trace, 1, caption="no")
    with pytest.raises(TypeError, match="write_player: caption must be True or False, got None"):
        render.write_player(conv_trace, tmp_path, "x", caption=None)
    with pytest.raises(ValueError, match="interval must be a positive int"):
        render.animate(conv_trace, interval=0)
    with pytest.raises(TypeError, match="trace must be a tracer.Trace"):
        render.plot([1, 2], 0)
    with tracer.record() as empty:
        pass
    with pytest.raises(ValueError, match="the trace has no events to draw"):
        render.plot(empty)
    assert not list(tmp_path.iterdir())  # every refusal came before any file was written


def _extent(text) -> tuple[float, float, float, float]:
    box = text.get_window_extent()
    return box.x0, box.y0, box.x1, box.y1


def _apart(a, b) -> bool:
    """Whether two texts' boxes do not overlap (drawn texts: after canvas.draw())."""
    ax0, ay0, ax1, ay1 = _extent(a)
    bx0, by0, bx1, by1 = _extent(b)
    return ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0


@pytest.mark.parametrize("dilation", [1, 2])
def test_the_header_and_its_channel_note_never_meet_on_a_narrow_frame(dilation):
    # a 1x1 filter over two channels: the narrowest conv frame, a long header and a long note
    with tracer.record() as t:
        tracer.conv_forward(np.concatenate([grid_10ij(3, 3)] * 2, axis=3), np.ones((1, 1, 2, 1)), np.zeros((1, 1, 1, 1)),
                            {"stride": 1, "pad": 0, "dilation": dilation})
    r = render.Renderer(t, dpi=DPI)
    r.draw(1)
    r.fig.canvas.draw()
    assert r.header_note.get_text().replace("\n", " ") == "channel 0 of 2 shown (sums over all 2)"
    assert _apart(r.header, r.header_note)
    fig_box = r.fig.bbox
    assert _extent(r.header_note)[2] <= fig_box.x1 and _extent(r.header)[0] >= fig_box.x0
    # the titles of neighbouring grids (the 1x1 filter and its product) do not run into each other
    titles = [g.title for g in r.scene.g.values()]
    assert all(_apart(a, b) for j, a in enumerate(titles) for b in titles[j + 1:])


def test_a_frame_says_its_step_once_in_its_footer_and_caption_false_leaves_the_footer_out(conv_trace):
    whole = render.Renderer(conv_trace, dpi=DPI)
    bare = render.Renderer(conv_trace, dpi=DPI, caption=False)
    for r in (whole, bare):
        r.draw(6)
    assert whole.caption.get_text().replace("\n", " ") == f"step 6 (0-16):  {conv_trace[6].describe()}"
    assert bare.caption.get_text() == ""
    texts = [t.get_text() for t in whole.fig.texts]
    assert sum("step 6" in t for t in texts) == 1  # the number appears once: no counter in the header
    footer = round(0.55 * DPI)
    a, b = np.asarray(whole.image()), np.asarray(bare.image())
    assert b.shape[0] == a.shape[0] - footer == bare.size[1] and bare.size[0] == whole.size[0]
    assert np.array_equal(a[: b.shape[0]], b)  # the rest of the frame is the same


def test_without_caption_blanks_a_plotted_figure_and_leaves_other_figures_alone(conv_trace):
    fig = render.plot(conv_trace, 6, dpi=DPI)
    assert any(t.get_text().startswith("step 6 (0-16):") for t in fig.texts)
    assert render.without_caption(fig) is fig
    assert not any(t.get_text().startswith("step 6") for t in fig.texts)
    assert any(t.get_text().startswith("conv_forward") for t in fig.texts)  # the header stays
    other = Figure()
    other.text(0.5, 0.5, "step 6 (0-16): mine")
    assert render.without_caption(other).texts[0].get_text() == "step 6 (0-16): mine"
    bare = render.plot(conv_trace, 6, dpi=DPI, caption=False)
    assert not any(t.get_text().startswith("step 6") for t in bare.texts)


def test_the_core_never_imports_matplotlib():
    code = ("import sys, numpy as np, tracer\n"
            "with tracer.record() as t:\n"
            "    tracer.conv_forward(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)),"
            " {'stride': 1, 'pad': 0})\n"
            "t.text(1); t.replay(); repr(t.next())\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
