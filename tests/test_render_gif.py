"""Tests of tracer.render.gif: palette frames, and a GIF written frame by frame that Pillow reads back."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageSequence

from tracer.render.gif import COLORS, GifWriter, palette_frame


def frames_10ij() -> list[Image.Image]:
    """Six 40x30 frames: a gradient 10*i + j, a red square moving right; frames 2 and 3 are the same."""
    base = np.zeros((30, 40, 3), np.uint8)
    base[..., 0] = 10 * np.arange(30)[:, None] % 256
    base[..., 1] = np.arange(40)[None, :] * 6
    out = []
    for j in (0, 1, 2, 2, 3, 4):
        a = base.copy()
        a[5:12, 5 * j:5 * j + 7] = [255, 0, 0]
        out.append(palette_frame(Image.fromarray(a)))
    return out


def test_a_palette_frame_has_at_most_256_colours_and_is_the_same_every_time():
    image = Image.fromarray((np.arange(64 * 64 * 3) % 251).astype(np.uint8).reshape(64, 64, 3))
    a, b = palette_frame(image), palette_frame(image)
    assert a.mode == "P" and len(a.getpalette()) <= 3 * COLORS
    assert a.tobytes() == b.tobytes() and a.getpalette() == b.getpalette()


def test_the_gif_has_the_bytes_of_pillows_save_all(tmp_path):
    frames = frames_10ij()
    with GifWriter(tmp_path / "a.gif", ms=700) as gif:
        for f in frames:
            gif.add(f)
    frames[0].save(tmp_path / "b.gif", format="GIF", save_all=True, append_images=frames[1:], duration=700,
                   loop=0, optimize=False)
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()


def test_each_gif_frame_shows_its_picture_and_a_repeated_frame_shows_longer(tmp_path):
    frames = frames_10ij()
    with GifWriter(tmp_path / "a.gif", ms=500) as gif:
        for f in frames:
            gif.add(f)
    assert gif.frames == 6
    with Image.open(tmp_path / "a.gif") as im:
        shown = [(np.asarray(f.convert("RGB")), f.info["duration"]) for f in ImageSequence.Iterator(im)]
    want = [frames[j] for j in (0, 1, 2, 4, 5)]  # frame 3 repeats frame 2
    assert [d for _, d in shown] == [500, 500, 1000, 500, 500]
    for (got, _), f in zip(shown, want):
        assert np.array_equal(got, np.asarray(f.convert("RGB")))


def test_one_frame_is_a_still_gif_and_bad_frames_are_refused(tmp_path):
    frames = frames_10ij()
    with GifWriter(tmp_path / "one.gif", ms=700) as gif:
        gif.add(frames[0])
        with pytest.raises(ValueError, match="frame must be a palette image \\('P'\\), got mode 'RGB'"):
            gif.add(frames[1].convert("RGB"))
        with pytest.raises(ValueError, match="frame must be \\(40, 30\\) px like the first, got \\(10, 10\\)"):
            gif.add(palette_frame(Image.new("RGB", (10, 10))))
    with Image.open(tmp_path / "one.gif") as im:
        assert im.n_frames == 1 and np.array_equal(np.asarray(im.convert("RGB")), np.asarray(frames[0].convert("RGB")))
    assert repr(gif) == "<GifWriter one.gif: 1 frames, 700 ms each>"
