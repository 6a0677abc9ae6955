"""Tests of tracer.render.glyphs: texts drawn from cached bitmaps have the pixels matplotlib gives them.

The cache keeps one bitmap per string, font, colour and position within a pixel
(to the 1/64 of a pixel at which FreeType places glyphs), so a frame drawn with
it is compared with the same frame drawn by ``Text.draw`` alone
(:func:`glyphs.plain_text`). They differ only where two glyphs of one line
overlap (a kerned pair, a bold digit next to its dot): matplotlib blends the
second glyph onto the first on the frame, the cache on a transparent bitmap
that is then blended onto the frame, and the two roundings to 8 bits part by a
few levels. Measured: at most 4 levels of 255 on at most 0.14% of a frame's
pixels (50 to 100 dpi); the tolerance is twice that: 8 levels, 0.3% of the
pixels. A text moved by a pixel, a wrong colour or a missing glyph changes
thousands of pixels by far more.

A long line (a caption, a formula) is drawn and measured word by word. Drawn on
a blank canvas at any position within a pixel, it is compared with the line
drawn whole, pixel for pixel (measured: no pixel differs, for every kind of
caption at four sizes and dpis), and its size with the size matplotlib measures.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from render_cases import grid_10ij

import tracer
from tracer import render
from tracer.render import glyphs
from tracer.render.glyphs import GLYPHS, GlyphCache, GlyphCanvas, GlyphRenderer


def traces() -> dict[str, tracer.Trace]:
    """One trace per kind of scene, and a network's forward pass."""
    out = {}
    with tracer.record() as out["conv"]:
        tracer.conv_forward(grid_10ij(3, 3), np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1),
                            np.full((1, 1, 1, 1), 0.5), {"stride": 1, "pad": 1})
    with tracer.record() as out["pool"]:
        A, cache = tracer.pool_forward(grid_10ij(4, 4), {"f": 2, "stride": 2}, mode="max")
        tracer.pool_backward(np.ones(A.shape), cache, mode="average")
    with tracer.record() as out["standalone"]:
        tracer.zero_pad(grid_10ij(2, 2), 1)
        tracer.create_mask_from_window(np.array([[1.0, 3.0], [3.0, 2.0]]))
        tracer.distribute_value(2.0, (2, 2))
    with tracer.record() as out["network"]:
        tracer.L_model_forward(np.arange(8.0).reshape(4, 2) / 8, tracer.initialize_parameters_deep([4, 3, 1]))
    return out


def frames(trace: tracer.Trace, dpi: int) -> list[np.ndarray]:
    """Every step of ``trace`` as RGBA pixels, drawn by one renderer that redraws what changed."""
    r = render.Renderer(trace, dpi=dpi)
    out = []
    for k in range(len(trace)):
        r.draw(k)
        r.render()
        out.append(np.asarray(r.fig.canvas.buffer_rgba()).copy())
    return out


@pytest.mark.parametrize("dpi", [50, 100])
def test_frames_drawn_from_cached_bitmaps_are_those_of_text_draw(dpi):
    for name, trace in traces().items():
        GLYPHS.clear()
        before = GLYPHS.hits
        cached = frames(trace, dpi)
        assert GLYPHS.hits > before, f"{name}: the cache was not used"
        with glyphs.plain_text():
            misses = GLYPHS.misses
            plain = frames(trace, dpi)
            assert GLYPHS.misses == misses  # nothing went through the cache
        for k, (a, b) in enumerate(zip(cached, plain)):
            assert a.shape == b.shape
            diff = np.abs(a.astype(int) - b.astype(int)).max(axis=2)
            assert diff.max() <= 8 and (diff > 0).mean() <= 0.003, (
                f"{name}, step {k}: {int((diff > 0).sum())} pixels differ, by up to {diff.max()} levels")


def test_a_frame_is_the_same_whatever_the_cache_held_before():
    trace = traces()["conv"]
    GLYPHS.clear()
    cold = render.png_bytes(trace, 9, dpi=60)
    for k in range(len(trace)):  # fills the cache with every other step's texts
        render.png_bytes(trace, k, dpi=60)
    assert render.png_bytes(trace, 9, dpi=60) == cold


@pytest.mark.filterwarnings("ignore:Glyph")
def test_texts_with_glyphs_missing_from_the_font_fall_back_to_matplotlib():
    def draw() -> np.ndarray:
        fig = render.new_figure(dpi=50)
        fig.text(0.5, 0.6, "Σ → 1.00", ha="center", va="center")
        fig.text(0.5, 0.3, "x \u4e2d", ha="center", va="center")  # not in DejaVu Sans: matplotlib's font fallback
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba()).copy()

    cached = draw()
    with glyphs.plain_text():
        plain = draw()
    diff = np.abs(cached.astype(int) - plain.astype(int)).max(axis=2)
    assert diff.max() <= 8 and (diff > 0).mean() <= 0.003  # the fallback glyph was cached like the others
    ink = cached[..., :3].min(axis=2) < 128
    h = ink.shape[0]
    assert ink[: h // 2].any() and ink[h // 2:].any()  # both lines were drawn


def test_rotated_lines_and_long_words_are_drawn_by_matplotlib():
    fig = Figure(figsize=(3, 2), dpi=50)
    GlyphCanvas(fig)
    fig.text(0.5, 0.5, "rotated", rotation=30)
    fig.text(0.1, 0.2, "a_word_much_longer_than_the_cache_keeps")
    misses, hits = GLYPHS.misses, GLYPHS.hits
    fig.canvas.draw()
    assert (GLYPHS.misses, GLYPHS.hits) == (misses, hits)
    assert (np.asarray(fig.canvas.buffer_rgba())[..., :3] < 128).any()


def long_lines() -> list[str]:
    """Captions of every kind of step, and lines with kerned pairs, a fallback glyph and runs of spaces."""
    rng = np.random.default_rng(0)
    with tracer.record() as t:
        A = rng.standard_normal((1, 4, 4, 2))
        Z, cache = tracer.conv_forward(A, rng.standard_normal((3, 3, 2, 2)), rng.standard_normal((1, 1, 1, 2)),
                                       {"stride": 2, "pad": 1})
        tracer.conv_backward(rng.standard_normal(Z.shape), cache)
        for mode in ("max", "average"):
            P, cache = tracer.pool_forward(A, {"f": 2, "stride": 1}, mode=mode)
            tracer.pool_backward(rng.standard_normal(P.shape), cache, mode=mode)
    lines = sorted({e.describe() for e in t[::7]})
    return lines + ["AVA To Wa fi fl  -1.234e-05 × → Σ x 中 ok   three spaces",
                    "Z[0, 1, 2, 0] = sum(a_slice_prev * W[:, :, :, 0]) + b[0, 0, 0, 0] = 0.1234 + -0.5 "]


@pytest.mark.filterwarnings("ignore:Glyph")
def test_a_long_line_drawn_word_by_word_has_the_pixels_of_the_line_drawn_whole():
    lines = long_lines()
    assert len(lines) > 10 and all(len(s) > GLYPHS.max_length and " " in s for s in lines)
    rng = np.random.default_rng(1)
    for size, dpi in [(8, 50), (10, 100), (11, 72), (14, 144)]:
        prop = FontProperties(family="DejaVu Sans", size=size)
        for s in lines:
            x, y = rng.uniform(5, 9), rng.uniform(40, 50)  # anywhere within a pixel

            def draw() -> np.ndarray:
                r = GlyphRenderer(1800, 70, dpi)
                gc = r.new_gc()
                gc.set_foreground("#1b1b1b")
                r.draw_text(gc, x, y, s, prop, 0)
                return np.asarray(r.buffer_rgba()).copy()

            used = GLYPHS.hits + GLYPHS.misses
            by_words = draw()
            assert GLYPHS.hits + GLYPHS.misses > used  # the words went through the cache
            with glyphs.plain_text():
                whole = draw()
            assert (whole[..., 3] > 0).sum() > 20 * len(s.split())
            diff = np.abs(by_words.astype(int) - whole.astype(int)).max(axis=2)
            assert not diff.any(), f"{size} pt, {dpi} dpi, {s!r}: {int((diff > 0).sum())} pixels differ"


@pytest.mark.filterwarnings("ignore:Glyph")
def test_a_long_line_measured_from_its_words_measures_as_the_line_measured_whole():
    lines = long_lines() + ["  two leading spaces and a trailing one ", "a  .  b  -  j  |  x \u4e2d y (a) [b]"]
    for size, dpi in [(8, 50), (10, 100), (11, 72), (14, 144)]:
        prop = FontProperties(family="DejaVu Sans", size=size)
        r = GlyphRenderer(10, 10, dpi)
        for s in lines:
            whole = RendererAgg.get_text_width_height_descent(r, s, prop, False)
            assert r.get_text_width_height_descent(s, prop, False) == whole, (size, dpi, s)
            with glyphs.plain_text():
                assert r.get_text_width_height_descent(s, prop, False) == whole


def test_a_clipped_axes_text_is_clipped_to_its_axes_as_ax_text_is():
    def draw(make) -> np.ndarray:
        fig = render.new_figure(dpi=50)
        ax = fig.add_axes((0.3, 0.3, 0.4, 0.4))
        ax.set_axis_off()
        make(ax, 0.9, 0.5, "clipped at the right edge", clip_on=True, fontsize=14)
        make(ax, 0.9, 0.2, "runs past the edge", fontsize=14) if make is glyphs.axes_text else None
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[..., :3].min(axis=2) < 128

    ours = draw(glyphs.axes_text)
    theirs = draw(lambda ax, x, y, s, **kw: ax.text(x, y, s, transform=ax.transAxes, **kw))
    w = ours.shape[1]
    right = int(w * 0.7) + 1
    assert ours[:, right:].any()  # the unclipped line runs past the axes
    theirs_top, ours_top = theirs[: ours.shape[0] // 2 + 1], ours[: ours.shape[0] // 2 + 1]
    assert theirs_top.any() and not theirs_top[:, right:].any()
    assert np.array_equal(ours_top, theirs_top)


def test_the_cache_empties_itself_when_full():
    cache = GlyphCache(max_bytes=1000)
    bitmap = (np.zeros((10, 10, 4), np.uint8), 0, 0)  # 400 bytes
    for j in range(3):
        cache.lookup(("s", j), lambda: bitmap)
    assert len(cache) == 1 and cache.nbytes == 400  # the third did not fit: the first two went
    assert cache.lookup(("s", 2), lambda: None) is bitmap
    assert (cache.hits, cache.misses) == (1, 3)
    assert repr(cache) == "<GlyphCache on: 1 bitmaps, 0.0 MB, 1 hits, 3 misses>"


def test_plain_text_restores_the_cache_even_after_an_error():
    assert GLYPHS.enabled
    with pytest.raises(RuntimeError), glyphs.plain_text():
        assert not GLYPHS.enabled
        raise RuntimeError
    assert GLYPHS.enabled


def test_a_figure_saved_as_svg_or_pdf_draws_its_texts_the_usual_way(tmp_path):
    with tracer.record() as t:
        tracer.zero_pad(grid_10ij(2, 2), 1)
    fig = render.plot(t, 0, dpi=50)
    fig.savefig(tmp_path / "a.svg")
    fig.savefig(tmp_path / "a.pdf")
    assert "X_pad[0, :, :, 0]" in (tmp_path / "a.svg").read_text()
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
