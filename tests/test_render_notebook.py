"""Jupyter display (tracer/render/figure.py, tracer/render/notebook.py): figures, steps, the step player, a report.

The unit tests read the objects' display methods; ``test_a_fresh_kernel_displays_...``
executes a notebook in a real kernel (no magic, no pyplot) and reads the MIME bundle
of each output; the browser tests step a player exported from that notebook's output.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

import tracer
from tracer import render
from tracer.render import notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_site import chromium  # noqa: E402,F401  (the site's browser fixture)

DPI = 40  # small frames: the unit tests check structure, not looks


def pool_trace(n: int = 4, stride: int = 2) -> tracer.Trace:
    with tracer.record() as trace:
        tracer.pool_forward(np.arange(n * n, dtype=float).reshape(1, n, n, 1), {"f": 2, "stride": stride})
    return trace


def conv_trace() -> tracer.Trace:
    rng = np.random.default_rng(0)
    with tracer.record() as trace:
        tracer.conv_forward(rng.standard_normal((1, 7, 7, 3)), rng.standard_normal((3, 3, 3, 2)),
                            rng.standard_normal((1, 1, 1, 2)), {"stride": 1, "pad": 1})
    return trace  # 1 padding step + 49 * 2 windows = 99 steps


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as im:
        return im.size


def frames_of(page: str) -> list[str]:
    return re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page) + re.findall(r'"([A-Za-z0-9+/=]{200,})"', page)


# -- figures and steps ---------------------------------------------------------------------------


def test_a_figure_tracer_returns_is_a_matplotlib_figure_that_shows_itself_as_png():
    trace = pool_trace()
    fig = trace.plot(1, dpi=DPI)
    assert isinstance(fig, Figure) and isinstance(fig, render.TracerFigure)
    assert png_size(fig._repr_png_()) == fig.canvas.get_width_height()  # at the figure's own size and dpi
    fig.text(0.5, 0.5, "added by the learner", color="red", fontsize=30)  # what a learner adds shows too
    with Image.open(io.BytesIO(fig._repr_png_())) as im:
        reds = np.sum(np.all(np.asarray(im.convert("RGB")) == (255, 0, 0), axis=2))
    assert reds > 50
    assert isinstance(render.new_figure(), render.TracerFigure)


def test_a_step_shows_its_picture_and_keeps_its_text_repr():
    trace = pool_trace()
    first = trace.next()
    assert repr(first).startswith("(the first step; next() moves on)\n")  # the REPL's text, as before
    assert first._repr_png_() == render.png_bytes(trace, 0)
    step = trace.goto(3)
    assert repr(step) == trace.text(3)
    assert step._repr_png_() == render.png_bytes(trace, 3)
    assert tracer.Step(0, trace[0], "text")._repr_png_() is None  # a step made by hand has no trace to draw


# -- the player ----------------------------------------------------------------------------------


def test_animate_returns_a_player_of_every_step_with_its_captions():
    trace = pool_trace(4, stride=1)  # 9 windows
    player = trace.animate(dpi=DPI)
    assert isinstance(player, render.Player) and len(player) == 9
    assert player.steps == list(range(9)) and player.captions == [e.describe() for e in trace]
    assert player.labels[0] == "step 0 (0-8)" and player.labels[8] == "step 8 (0-8)"  # as trace[k] counts
    assert player.size[1] < trace.plot(0, dpi=DPI).canvas.get_width_height()[1]  # no footer: the text says it
    assert {png_size(f) for f in player.frames} == {player.size}
    assert player.frames[4] != player.frames[5]
    assert "<Player of 9 steps of pool_forward" in repr(player)
    some = trace.animate(dpi=DPI, steps=[8, 0])
    assert some.steps == [8, 0] and some.frames == [player.frames[8], player.frames[0]]


def test_the_player_html_is_ascii_embeds_each_frame_once_and_has_its_own_id_each_time():
    trace = pool_trace(4, stride=1)
    player = trace.animate(dpi=DPI)
    page = player._repr_html_()
    assert page.isascii()
    assert page.count("data:image/png;base64,") == 2  # the first frame in the <img>, the script's prefix
    embedded = re.findall(r'\[(\d+),(\d+),"([A-Za-z0-9+/=]{100,})"\]', page)
    assert len(embedded) == 8  # what changed at steps 1 to 8 in the JSON, frame 0 only in the <img>
    for label in ("tracer-nbp-prev", "tracer-nbp-play", "tracer-nbp-next", "tracer-nbp-slider",
                  "step 0 (0-8)", 'max="8"'):
        assert label in page
    assert "require(" not in page and "http://" not in page and "https://" not in page
    ids = {re.search(r'id="(tracer-nbp-[0-9a-f]+)"', player.to_html()).group(1) for _ in range(3)}
    assert len(ids) == 3
    assert page.count("getElementById(") == 1


def test_the_patches_drawn_over_the_first_frame_give_every_frame_exactly():
    trace = pool_trace(4, stride=1)
    trace_steps = [0, 1, 2, 2, 5, 4]  # a repeated step changes nothing: an empty patch
    player = trace.animate(dpi=DPI, steps=trace_steps)
    patches = notebook._patches(player.frames)
    assert [p for _, _, p in patches].count(b"") == 1 and patches[3] == (0, 0, b"")
    assert sum(len(p) for _, _, p in patches[1:]) < 0.8 * sum(len(f) for f in player.frames[1:])
    canvas = Image.open(io.BytesIO(patches[0][2])).convert("RGBA")
    for (x, y, patch), frame in zip(patches[1:], player.frames[1:]):
        if patch:
            with Image.open(io.BytesIO(patch)) as im:
                canvas.alpha_composite(im.convert("RGBA"), (x, y))
        with Image.open(io.BytesIO(frame)) as im:
            assert np.array_equal(np.asarray(canvas.convert("RGB")), np.asarray(im.convert("RGB")))


def test_a_caption_with_markup_or_unicode_is_escaped():
    player = notebook.Player([pool_trace().animate(dpi=DPI).frames[0]], ["a < b & \u03a3 </script>"], [0], (10, 10), "x")
    page = player.to_html()
    assert "a &lt; b &amp; &#931; &lt;/script&gt;" in page
    assert "</script>" not in page.split('class="tracer-nbp-data">')[1].split("</script>")[0]


def test_past_the_frame_limit_animate_says_how_to_narrow_the_trace_before_drawing(monkeypatch):
    trace = conv_trace()
    assert len(trace) == 99 > render.MAX_FRAMES

    def no_drawing(*args, **kwargs):
        raise AssertionError("drew before refusing")

    monkeypatch.setattr(notebook, "Renderer", no_drawing)
    with pytest.raises(ValueError, match=r"99 steps, more than a player's 60 frames.*trace\.where\(i=0, c=0\)"
                                         r".*steps=range\(0, 99, 2\).*record\(examples=0, channels=0\)"):
        trace.animate()
    with pytest.raises(ValueError, match=r"steps names 61 frames, more than max_frames=60"):
        trace.animate(steps=range(61))
    monkeypatch.undo()
    assert len(trace.animate(steps=range(0, 99, 11), dpi=DPI)) == 9
    small = pool_trace(4, stride=1)  # 9 steps
    assert len(small.animate(dpi=DPI, max_frames=9)) == 9
    with pytest.raises(ValueError, match="9 steps, more than a player's 8 frames"):
        small.animate(dpi=DPI, max_frames=8)


def test_a_long_trace_shows_its_current_step_and_the_way_to_narrow_it():
    trace = conv_trace()
    trace.goto(5)
    page = trace._repr_html_()
    assert "tracer-nbp" not in page
    assert "Step 5 is shown" in page and "trace.where(i=0, c=0)" in page
    assert len(frames_of(page)) == 1
    assert len(pool_trace()._repr_html_()) > 0 and "tracer-nbp" in pool_trace()._repr_html_()
    with tracer.record() as empty:
        pass
    assert empty._repr_html_() is None


@pytest.mark.parametrize("kwargs, message", [
    ({"interval": 0}, "interval must be a positive int"),
    ({"max_frames": 0}, "max_frames must be a positive int"),
    ({"steps": []}, "steps must name at least one step"),
    ({"steps": [9]}, r"steps item = 9 is out of range"),
    ({"dpi": 5}, "dpi must be an int from 10 to 600"),
])
def test_bad_arguments_are_refused_by_name(kwargs, message):
    with pytest.raises((ValueError, IndexError), match=message):
        pool_trace().animate(**kwargs)


def test_save_writes_a_page_and_refuses_what_is_not_an_html_file(tmp_path):
    player = pool_trace().animate(dpi=DPI)
    path = player.save(tmp_path / "steps.html")
    text = path.read_text(encoding="ascii")
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text and "tracer-nbp" in text
    with pytest.raises(ValueError, match="must end in .html"):
        player.save(tmp_path / "steps.png")
    with pytest.raises(TypeError, match="path must be a file path"):
        player.save(3)


def test_the_player_stays_light_at_the_default_dpi():
    player = pool_trace(6, stride=1).animate()  # 25 steps at 100 dpi
    per_frame = player.nbytes / len(player)
    assert per_frame < 32_000, per_frame  # palette PNGs: about 19 KB each, 26 KB in base64


# -- in a real kernel ----------------------------------------------------------------------------

WRONG_POOL = '''
import numpy as np

def pool_forward(A_prev, hparameters, mode="max"):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C_prev))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C_prev):
                    a_prev_slice = A_prev[i, h:h + f, w:w + f, c]  # the stride is left out
                    A[i, h, w, c] = np.max(a_prev_slice) if mode == "max" else np.mean(a_prev_slice)
    return A, (A_prev, hparameters)
'''

CELLS = [
    "import numpy as np, tracer\n"
    "with tracer.record() as trace:\n"
    "    A, cache = tracer.pool_forward(np.arange(16.0).reshape(1, 4, 4, 1), {'f': 2, 'stride': 2})",
    "fig = trace.plot(1)\nfig",
    "trace.next()",
    "trace.goto(3)",
    "trace",
    "trace.animate()",
    WRONG_POOL + "\ntracer.check(pool_forward)",
    "import sys\nprint('pyplot' if 'matplotlib.pyplot' in sys.modules else 'no pyplot')",
]


@pytest.fixture(scope="module")
def executed(notebook_runner):
    return notebook_runner.run(CELLS, timeout=240, name="display")


def bundle(nb, j: int) -> dict:
    outputs = [o for o in nb.cells[j].outputs if o.output_type in ("execute_result", "display_data")]
    assert len(outputs) == 1, nb.cells[j].outputs
    return outputs[0].data


def test_a_fresh_kernel_displays_figures_steps_players_and_a_report(executed):
    nb = executed
    fig = bundle(nb, 1)
    assert set(fig) >= {"image/png", "text/plain"}
    import base64

    size = png_size(base64.b64decode(fig["image/png"]))
    assert fig["text/plain"].startswith(f"<TracerFigure size {size[0]}x{size[1]} with")  # matplotlib's repr
    for j, first in ((2, "(the first step; next() moves on)"), (3, "step 3 (0-3)")):
        step = bundle(nb, j)
        assert set(step) == {"image/png", "text/plain"}, set(step)
        assert step["text/plain"].startswith(first)
        assert png_size(base64.b64decode(step["image/png"])) == size  # the same layout as trace.plot(k)
    for j in (4, 5):
        player = bundle(nb, j)
        assert set(player) == {"text/html", "text/plain"}, set(player)
        assert 'class="tracer-nbp"' in player["text/html"] and "step 0 (0-3)" in player["text/html"]
        assert len(re.findall(r'\[\d+,\d+,"[A-Za-z0-9+/=]{100,}"\]', player["text/html"])) == 3
    assert bundle(nb, 4)["text/plain"].startswith("<Trace of 4 events")
    assert bundle(nb, 5)["text/plain"].startswith("<Player of 4 steps of pool_forward")
    report = bundle(nb, 6)
    assert "check <code>pool_forward</code>" in report["text/html"] and "FAILED" in report["text/html"]
    assert "<img alt='the first failing window'" in report["text/html"]
    assert "FAILED" in report["text/plain"]
    assert nb.cells[7].outputs[0].text.strip() == "no pyplot"


# -- in a browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(executed, tmp_path_factory):
    """The HTML of the notebook's two player outputs written as they are into one file (as a page embeds them)."""
    out = tmp_path_factory.mktemp("exported") / "players.html"
    out.write_text(bundle(executed, 4)["text/html"] + "\n<p>between</p>\n" + bundle(executed, 5)["text/html"],
                   encoding="ascii")
    return out


def canvas_pixels(player) -> np.ndarray:
    """What the player's canvas shows, as an RGB array."""
    import base64

    url = player.locator("canvas").evaluate("c => c.toDataURL('image/png')")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as im:
        return np.asarray(im.convert("RGB"))


def frame_pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"))


def test_an_exported_player_steps_in_a_browser(chromium, exported):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(exported.as_uri())
    first, second = page.locator(".tracer-nbp").nth(0), page.locator(".tracer-nbp").nth(1)
    for player in (first, second):
        assert player.locator(".tracer-nbp-controls").is_visible()
        assert player.locator(".tracer-nbp-counter").inner_text() == "step 0 (0-3)"
        assert player.locator(".tracer-nbp-prev").is_disabled()
    # the same trace drawn here gives the same frames as in the kernel: the canvas must show them exactly
    frames = pool_trace().animate().frames
    assert first.locator("img").count() == 0 and np.array_equal(canvas_pixels(first), frame_pixels(frames[0]))
    caption0 = first.locator(".tracer-nbp-caption").inner_text()
    first.locator(".tracer-nbp-next").click()
    assert first.locator(".tracer-nbp-counter").inner_text() == "step 1 (0-3)"
    assert np.array_equal(canvas_pixels(first), frame_pixels(frames[1]))
    assert first.locator(".tracer-nbp-caption").inner_text() != caption0
    assert second.locator(".tracer-nbp-counter").inner_text() == "step 0 (0-3)"  # the other player did not move
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert first.locator(".tracer-nbp-counter").inner_text() == "step 3 (0-3)"
    assert first.locator(".tracer-nbp-next").is_disabled()
    assert np.array_equal(canvas_pixels(first), frame_pixels(frames[3]))
    page.keyboard.press("Home")
    assert first.locator(".tracer-nbp-counter").inner_text() == "step 0 (0-3)"
    assert np.array_equal(canvas_pixels(first), frame_pixels(frames[0]))  # back: drawn again from the first
    second.locator(".tracer-nbp-slider").fill("2")
    assert second.locator(".tracer-nbp-counter").inner_text() == "step 2 (0-3)"
    second.locator(".tracer-nbp-play").click()
    page.wait_for_function("document.querySelectorAll('.tracer-nbp-counter')[1].textContent === 'step 3 (0-3)'",
                           timeout=5000)
    page.wait_for_function("document.querySelectorAll('.tracer-nbp-play')[1].textContent.includes('Play')",
                           timeout=5000)  # it stops at the last step
    assert np.array_equal(canvas_pixels(second), frame_pixels(frames[3]))
    assert page.evaluate("document.querySelectorAll('.tracer-nbp canvas').length") == 2
    assert not errors, errors
    page.close()


def test_without_scripts_the_player_shows_its_first_frame_and_caption(chromium, exported):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(exported.as_uri())
    player = page.locator(".tracer-nbp").first
    assert not player.locator(".tracer-nbp-controls").is_visible()
    assert player.locator(".tracer-nbp-counter").inner_text() == "step 0 (0-3)"
    assert player.locator(".tracer-nbp-caption").inner_text().startswith("A[0, 0, 0, 0]")
    assert player.locator("img").count() == 1
    box = player.locator("img").bounding_box()
    assert box["width"] <= 390  # the frame shrinks to a phone's width
    context.close()
