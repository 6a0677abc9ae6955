"""Tests of tracer.render.player: the files of a step player, identical from run to run and process to process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
