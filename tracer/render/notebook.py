"""Jupyter display with no magic and no pyplot: figures that show themselves, and a step player.

- :class:`~tracer.render.figure.TracerFigure` (in :mod:`tracer.render.figure`)
  is the Figure every drawing function of tracer returns: it shows itself as
  an image;
- :class:`Player` is what ``trace.animate()`` returns: the frames of the steps
  as palette PNGs, shown in a notebook (``text/html``) as the site's step
  player (previous, play, next, a slider, keys, captions), self-contained: its
  frames are data URIs (the first whole, then what each step changed) and its
  script is inline, with no kernel round trip, so
  it steps in JupyterLab, the classic Notebook, VS Code and an exported HTML
  file. ``player.save("steps.html")`` writes it as a page.
- :func:`trace_html` is how a :class:`tracer.Trace` shows itself: its player,
  or past :data:`MAX_FRAMES` its current step and how to narrow it.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import uuid
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import numpy as np
from PIL import Image

from ..numbers import step_label
from ..recording import Trace
from .checks import _check_channel, _check_dpi, _check_steps, _check_trace
from .renderer import GIF_MS, Renderer, png_bytes

__all__ = ["Player", "step_player", "trace_html", "MAX_FRAMES"]

#: The most frames a player holds (at the default dpi, about 25 KB each): past it, narrow the trace.
MAX_FRAMES = 60


def _narrow_hint(n: int, limit: int) -> str:
    step = -(-n // limit)
    return (f"the trace has {n} steps, more than a player's {limit} frames; narrow it: "
            f"trace.where(i=0, c=0) keeps one example and channel, "
            f"trace.animate(steps=range(0, {n}, {step})) keeps one step in {step}, "
            f"and record(examples=0, channels=0) records fewer events "
            f"(or pass max_frames= to trace.animate for a bigger player)")


#: Colours of a player's frame: one index of the 256 is left free, the transparent one of the frames after the first.
COLORS = 255
#: zlib level of the changed rectangles: 6 takes about half of 9's time for a few per cent more bytes
PATCH_LEVEL = 6


def _frame_png(image: Image.Image) -> bytes:
    """A frame as a palette PNG of :data:`COLORS` colours (as :func:`tracer.render.gif.palette_frame`, one fewer)."""
    buffer = io.BytesIO()
    small = image.quantize(colors=COLORS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _patches(frames: list[bytes]) -> list[tuple[int, int, bytes]]:
    """``(x, y, png)`` per frame: the first whole, then what changed since the frame before it.

    A patch is the bounding box of the pixels that differ, those that do not
    transparent; drawn over the frame before it, it gives exactly the new frame.
    Consecutive steps change a window, a cell and the caption: a patch takes 50 to
    90% of a whole frame's bytes. An unchanged frame has an empty patch (``b""``).
    """
    out = [(0, 0, frames[0])]
    previous = None
    for data in frames:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
        rgb = np.asarray(im.convert("RGB"))
        if previous is not None:
            changed = np.any(rgb != previous, axis=2)
            rows, cols = np.nonzero(changed)
            if not len(rows):
                out.append((0, 0, b""))
            else:
                y0, y1, x0, x1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
                index = np.asarray(im) if im.mode == "P" else None
                buffer = io.BytesIO()
                if index is not None and index.max() < 255:  # a free palette index: the transparent one
                    kept = np.where(changed, index, 255).astype(np.uint8)[y0:y1, x0:x1]
                    patch = Image.fromarray(kept, "P")
                    palette = im.getpalette()
                    patch.putpalette(palette + [0, 0, 0] * (256 - len(palette) // 3))  # index 255 in it
                    patch.save(buffer, format="PNG", compress_level=PATCH_LEVEL, transparency=255)
                else:
                    alpha = np.where(changed, 255, 0).astype(np.uint8)[..., None]
                    rgba = np.concatenate([rgb * (alpha > 0), alpha], axis=2)[y0:y1, x0:x1].astype(np.uint8)
                    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG", compress_level=PATCH_LEVEL)
                out.append((int(x0), int(y0), buffer.getvalue()))
        previous = rgb
    return out


class Player:
    """A step player of a trace: one palette PNG per step and its caption, shown by Jupyter as HTML.

    Made by :func:`step_player` (``trace.animate()``). Its frames are drawn once, when it is
    made; :meth:`to_html` embeds the first one whole and each next one as what changed
    (:func:`_patches`), as data URIs, with the player's inline script, which draws them on
    a canvas.

    Attributes
    ----------
    frames : list of bytes
        The PNG of each shown step, in order (palette PNGs of :data:`COLORS` colours).
    captions : list of str
        What each step does (``event.describe()``), shown as text under the frame.
    labels : list of str
        Each step's number as the trace counts it (``"step 5 (0-25)"``), shown above the frame.
    steps : list of int
        The trace's step index of each frame.
    size : tuple of int
        ``(width, height)`` of a frame in pixels.
    title : str
        The recorded call(s), for the player's label.
    interval : int
        Milliseconds per step when playing.
    repeat : bool
        Whether playing starts over after the last step.
    """

    def __init__(self, frames: list[bytes], captions: list[str], steps: list[int], size: tuple[int, int],
                 title: str, interval: int = GIF_MS, repeat: bool = False, labels: list[str] | None = None):
        self.frames = frames
        self.captions = captions
        self.steps = steps
        self.labels = labels if labels is not None else [f"step {k}" for k in steps]
        self.size = size
        self.title = title
        self.interval = int(interval)
        self.repeat = bool(repeat)
        self._html: str | None = None

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        w, h = self.size
        return (f"<Player of {len(self)} steps of {self.title}: {w}x{h} px frames, "
                f"{self.nbytes / 1e6:.2f} MB of HTML; Jupyter shows it, player.save('steps.html') writes a page>")

    @property
    def nbytes(self) -> int:
        """Bytes of :meth:`to_html` (what a notebook stores for this output)."""
        return len(self.to_html())

    def to_html(self) -> str:
        """The player as an HTML fragment: ASCII only, its frames embedded, its script inline.

        Each call gives a player of its own id, so that the same player shown twice on a
        page steps on its own.
        """
        if self._html is None:
            self._html = self._build()
        return self._html.replace("tracer-nbp-ID", f"tracer-nbp-{uuid.uuid4().hex[:12]}")

    def _repr_html_(self) -> str:
        return self.to_html()

    def save(self, path: str | os.PathLike) -> Path:
        """Write the player as a standalone HTML page (``*.html``); returns the path written."""
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"Player.save: path must be a file path, got {type(path).__name__}")
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"Player.save: path must end in .html, got {str(path)!r}")
        if path.is_dir():
            raise ValueError(f"Player.save: path {str(path)!r} is a directory; name a file inside it")
        page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_ascii(self.title)}'
                f"</title></head>\n<body>\n{self.to_html()}\n</body></html>\n")
        path.write_text(page, encoding="ascii")
        return path

    def _build(self) -> str:
        w, h = self.size
        n = len(self)
        patches = _patches(self.frames)
        first = base64.b64encode(self.frames[0]).decode("ascii")
        data = {"interval": self.interval, "repeat": self.repeat, "captions": self.captions, "labels": self.labels,
                "patches": [[0, 0, ""]] + [[x, y, base64.b64encode(p).decode("ascii")] for x, y, p in patches[1:]]}
        blob = json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
        label = _ascii(f"step player of {self.title}, {n} steps")
        return (
            f'<div class="tracer-nbp" id="tracer-nbp-ID" tabindex="0" role="group" aria-label="{label}" '
            f'data-lm-suppress-shortcuts="true" data-p-suppress-shortcuts="true">'
            f"<style>{_asset('notebook_player.css')}</style>"
            f'<div class="tracer-nbp-controls" hidden>'
            f'<button type="button" class="tracer-nbp-prev" title="Previous step (left arrow)" '
            f'aria-label="Previous step">&#x25C0;</button>'
            f'<button type="button" class="tracer-nbp-play" title="Play or pause (space)">&#x25B6; Play</button>'
            f'<button type="button" class="tracer-nbp-next" title="Next step (right arrow)" '
            f'aria-label="Next step">&#x25B6;</button>'
            f'<input type="range" class="tracer-nbp-slider" min="0" max="{n - 1}" value="0" step="1" '
            f'aria-label="Step"></div>'
            f'<div class="tracer-nbp-counter">{_ascii(self.labels[0])}</div>'
            f'<img class="tracer-nbp-frame" width="{w}" height="{h}" alt="{label}" '
            f'src="data:image/png;base64,{first}">'
            f'<div class="tracer-nbp-caption">{_ascii(self.captions[0])}</div>'
            f'<script type="application/json" class="tracer-nbp-data">{blob}</script>'
            f"<script>{_asset('notebook_player.js').strip()}"
            f'(document.getElementById("tracer-nbp-ID"));</script>'
            f"</div>"
        )


def _ascii(text: str) -> str:
    """``text`` escaped for HTML, non-ASCII characters as references (the output reads right in any encoding)."""
    return html.escape(text).encode("ascii", "xmlcharrefreplace").decode("ascii")


_ASSETS: dict[str, str] = {}


def _asset(name: str) -> str:
    """The player's script or style sheet, read once from the package (``tracer/render/``)."""
    if name not in _ASSETS:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        _ASSETS[name] = "\n".join(line for line in text.split("\n") if line.strip())
    return _ASSETS[name]


def step_player(
    trace: Trace,
    *,
    steps: Iterable[int] | None = None,
    dpi: int | None = None,
    channel: int | None = None,
    interval: int = GIF_MS,
    repeat: bool = False,
    max_frames: int = MAX_FRAMES,
) -> Player:
    """The step player of ``trace``: what ``trace.animate()`` returns and a notebook shows.

    Parameters
    ----------
    trace : Trace
    steps : iterable of int, optional
        The steps to show, in order (default: every step).
    dpi : int, optional
        Pixels per inch of the frames (default 100).
    channel : int, optional
        The input channel shown for convolutions (default 0).
    interval : int
        Milliseconds per step when playing.
    repeat : bool
        Start over after the last step when playing (default: stop there).
    max_frames : int
        Refuse, before drawing anything, a player of more frames than this.

    Returns
    -------
    Player

    Raises
    ------
    ValueError
        If the player would hold more than ``max_frames`` frames; the message says how
        to narrow the trace.

    Notes
    -----
    Each frame is drawn once (the renderer reuses its artists from step to step), without
    the footer that a figure of :func:`tracer.render.plot` has (the player writes the
    step's number and caption as text, as the site's player does), and kept as a palette PNG, about 20 KB at the default dpi; the HTML embeds the first one
    and then what each step changed, in base64: about 15 to 25 KB per frame in all
    (``python scripts/bench_notebook.py``).
    """
    fn = "animate"
    trace = _check_trace(fn, trace)
    if isinstance(max_frames, bool) or not isinstance(max_frames, (int, np.integer)) or max_frames < 1:
        raise ValueError(f"{fn}: max_frames must be a positive int, got {max_frames!r}")
    if steps is None and len(trace) > max_frames:
        raise ValueError(f"{fn}: {_narrow_hint(len(trace), int(max_frames))}")
    wanted = _check_steps(fn, trace, steps)
    if len(wanted) > max_frames:
        raise ValueError(f"{fn}: steps names {len(wanted)} frames, more than max_frames={max_frames}; "
                         f"pass fewer steps, e.g. steps=range(0, {len(trace)}, {-(-len(wanted) // max_frames)})")
    if isinstance(interval, bool) or not isinstance(interval, (int, np.integer)) or interval < 1:
        raise ValueError(f"{fn}: interval must be a positive int (milliseconds), got {interval!r}")
    dpi = _check_dpi(fn, dpi)
    channel = _check_channel(fn, trace, channel)
    renderer = Renderer(trace, dpi=dpi, channel=channel, caption=False)  # number and caption are the player's text
    drawn: dict[int, bytes] = {}
    todo, last = set(wanted), max(wanted)
    for k, event, state in trace.states():
        if k in todo:
            renderer.draw_state(k, event, trace.call_of(k), state)
            drawn[k] = _frame_png(renderer.image())
        if k >= last:
            break
    names = sorted({c.name for c in trace.calls}, key=[c.name for c in trace.calls].index)
    return Player([drawn[k] for k in wanted], [trace[k].describe() for k in wanted], wanted, renderer.size,
                  ", ".join(names), interval=int(interval), repeat=repeat,
                  labels=[step_label(k, len(trace)) for k in wanted])


def trace_html(trace: Trace) -> str | None:
    """How Jupyter shows a trace: its step player, or past :data:`MAX_FRAMES` its current step and how to narrow it."""
    if len(trace) == 0:
        return None
    if len(trace) <= MAX_FRAMES:
        return step_player(trace).to_html()
    data = base64.b64encode(png_bytes(trace, trace.cursor)).decode("ascii")
    return (f"<div class='tracer-trace'><p>{_ascii(repr(trace))}</p>"
            f"<p>Step {trace.cursor} is shown: {_ascii(_narrow_hint(len(trace), MAX_FRAMES))}.</p>"
            f"<img style='max-width:100%' alt='step {trace.cursor}' src='data:image/png;base64,{data}'></div>")
