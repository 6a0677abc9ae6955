"""Tests of tracer.render.player: the files of a step player, identical from run to run and process to process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from render_cases import DPI

from tracer import render

ROOT = Path(__file__).resolve().parents[1]


def test_write_player_files_and_json(conv_trace, tmp_path):
    player = render.write_player(conv_trace, tmp_path, "conv", steps=[0, 6, 16], dpi=DPI)
    out = tmp_path / "conv"
    assert sorted(p.name for p in out.iterdir()) == ["000.png", "001.png", "002.png", "anim.gif", "player.json"]
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


def test_player_json_numbers_each_step_as_the_trace_does(conv_trace, tmp_path):
    player = render.write_player(conv_trace, tmp_path, "conv", steps=[6, 16], dpi=DPI, gif=False)
    assert player["n_steps"] == len(conv_trace) == 17
    assert [s["label"] for s in player["steps"]] == ["step 6 (0-16)", "step 16 (0-16)"]  # not "1 / 2"


def test_a_player_without_caption_cuts_its_pngs_above_the_footer_and_keeps_it_in_the_gif(conv_trace, tmp_path):
    whole = render.write_player(conv_trace, tmp_path, "whole", steps=[0, 6], dpi=DPI)
    cut = render.write_player(conv_trace, tmp_path, "cut", steps=[0, 6], dpi=DPI, caption=False)
    footer = round(0.55 * DPI)  # style.FOOTER inches
    assert cut["caption"] is False and whole["caption"] is True
    assert (cut["width"], cut["height"]) == (whole["width"], whole["height"] - footer)
    assert cut["gif_height"] == whole["height"] == whole["gif_height"]
    with Image.open(tmp_path / "cut" / "001.png") as im:
        png = np.asarray(im.convert("RGB"))
    with Image.open(tmp_path / "whole" / "001.png") as im:
        full = np.asarray(im.convert("RGB"))
    assert png.shape[0] == cut["height"]
    assert np.array_equal(png, full[: cut["height"]])  # the same frame, above its footer
    assert (full[cut["height"]:] != 255).any()  # the footer holds the step's number and caption
    with Image.open(tmp_path / "cut" / "anim.gif") as gif:
        gif.seek(1)
        frame = np.asarray(gif.convert("RGB"))
    assert frame.shape[0] == cut["gif_height"]
    assert np.abs(frame.astype(int) - full.astype(int)).mean() < 1.0  # the GIF plays the whole frames


def test_frames_without_caption_are_byte_identical_across_processes(conv_trace, tmp_path):
    for workers in (1, 2):
        render.write_player(conv_trace, tmp_path / str(workers), "p", dpi=DPI, workers=workers, caption=False)
    names = sorted(p.name for p in (tmp_path / "1" / "p").iterdir())
    assert len(names) == len(conv_trace) + 2  # no scratch directory left behind
    for name in names:
        assert (tmp_path / "1" / "p" / name).read_bytes() == (tmp_path / "2" / "p" / name).read_bytes(), name


def test_frames_are_byte_identical_across_renders_and_processes(conv_trace, tmp_path):
    render.write_player(conv_trace, tmp_path / "a", "p", dpi=DPI, workers=1)
    render.write_player(conv_trace, tmp_path / "b", "p", dpi=DPI, workers=2)
    names = sorted(p.name for p in (tmp_path / "a" / "p").iterdir())
    assert len(names) == len(conv_trace) + 2
    for name in names:
        assert (tmp_path / "a" / "p" / name).read_bytes() == (tmp_path / "b" / "p" / name).read_bytes(), name


def test_the_benchmark_runs_quick():
    out = subprocess.run([sys.executable, "scripts/bench_render.py", "--quick"], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert "ms/frame" in out.stdout and "trace.plot(k)" in out.stdout and "targets:" in out.stdout


PEAK_CHILD = """
import resource, sys, tempfile
import numpy as np
import tracer
from tracer import render
np.random.seed(0)
with tracer.record() as trace:
    tracer.conv_forward(np.random.randn(1, 10, 10, 1), np.random.randn(3, 3, 1, 1), np.zeros((1, 1, 1, 1)),
                        {"stride": 1, "pad": 1})
with tempfile.TemporaryDirectory() as tmp:
    render.write_player(trace, tmp, "p", steps=range(int(sys.argv[1])), dpi=80, workers=int(sys.argv[2]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_kb(frames: int, workers: int = 1) -> int:
    """Peak resident memory (kB) of a child process that writes a player of ``frames`` frames."""
    out = subprocess.run([sys.executable, "-c", PEAK_CHILD, str(frames), str(workers)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return int(out.split()[-1])


def test_writing_a_player_takes_memory_that_does_not_grow_with_its_frames():
    # a frame here is 800x404 px: 0.97 MB as RGB, 0.32 MB as a palette image; holding every frame for
    # the GIF, as an earlier writer did, grows by about 1.3 MB a frame (80 MB over these 60 frames)
    small, large = peak_kb(10), peak_kb(70)
    assert large - small < 15 * 1024, f"peak memory grew by {(large - small) / 1024:.0f} MB over 60 more frames"


def test_palette_frames_are_the_rgb_frames_quantized_once(conv_trace, tmp_path):
    from tracer.render.gif import palette_frame

    render.write_player(conv_trace, tmp_path, "p", steps=[3, 4], dpi=DPI)
    render.write_player(conv_trace, tmp_path, "rgb", steps=[3, 4], dpi=DPI, palette=False)
    for name in ("000.png", "001.png"):
        with Image.open(tmp_path / "p" / name) as small, Image.open(tmp_path / "rgb" / name) as rgb:
            assert small.mode == "P" and rgb.mode == "RGB"
            assert small.tobytes() == palette_frame(rgb.convert("RGB")).tobytes()
    size = lambda d: sum((tmp_path / d / n).stat().st_size for n in ("000.png", "001.png"))  # noqa: E731
    assert size("p") < size("rgb")
    # the GIF shows the palette frames, as they are
    with Image.open(tmp_path / "p" / "anim.gif") as gif, Image.open(tmp_path / "p" / "001.png") as last:
        gif.seek(1)
        assert np.array_equal(np.asarray(gif.convert("RGB")), np.asarray(last.convert("RGB")))
