"""Drawing the steps of a trace: the drawer of each event class, and a renderer that reuses its artists.

:class:`Renderer` draws the steps of one trace on one figure: the scene of a
call is made once and then only updated, and a frame redraws only the artists
that changed (blitting) over a cached background.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from .. import events as ev
from ..numbers import step_label
from ..recording import Call, Trace
from .checks import _check_caption, _check_channel, _check_dpi, _check_step, _check_steps, _check_trace
from .figure import TracerFigure
from .glyphs import GlyphCanvas
from .network import draw_network_step
from . import transpose
from .scenes import SCENES, Scene, content_width
from .style import (CARD, DEFAULT_DPI, FIG_WIDTH, FOOTER, HEADER, INK, MAX_CELL, MUTED, ROW_HEIGHT,
                    figure_height, styled)

__all__ = ["DRAWERS", "Renderer", "draw_event", "drawer_for", "drawer_of_class", "new_figure", "plot", "png_bytes",
           "animate", "footer_pixels", "footer_pixels_at", "without_caption"]

#: How each event class is drawn: ``drawer(fig, event, call, state, *, channel=0)``
#: returns a :class:`Scene` (reused from step to step) or a list of artists.
DRAWERS: dict[type, Callable[..., Any]] = {
    **{cls: scene for scene in SCENES + transpose.TRANSPOSE_SCENES for cls in scene.events},
    **dict.fromkeys(ev.NETWORK_EVENTS, draw_network_step),
}

GIF_MS = 700  # time per GIF frame
PNG_COMPRESS_LEVEL = 1  # zlib level: 1 encodes about 5x faster than the default at +30% size
CAPTION_WIDTH = 125  # characters per caption line in a figure FIG_WIDTH wide
CAPTION_GID = "tracer-caption"  # the gid of a frame's footer text (see without_caption)


def drawer_of_class(cls: type) -> Callable[..., Any] | None:
    """The drawer registered in :data:`DRAWERS` for ``cls`` or its nearest base class, or ``None``."""
    for base in cls.__mro__:
        if base in DRAWERS:
            return DRAWERS[base]
    return None


def drawer_for(event: Any) -> Callable[..., Any]:
    """The drawer of ``event``'s class (see :func:`drawer_of_class`); an error naming the known kinds if none."""
    drawer = drawer_of_class(type(event))
    if drawer is not None:
        return drawer
    known = ", ".join(sorted(c.__name__ for c in DRAWERS))
    raise ValueError(
        f"no drawer for events of kind {type(event).__name__!r}; known kinds: {known}. "
        f"Register one with tracer.render.DRAWERS[{type(event).__name__}] = draw_fn"
    )


# -- figures -------------------------------------------------------------------------------------


def new_figure(rows: int = 1, dpi: int = DEFAULT_DPI, row_height: float = ROW_HEIGHT,
               width: float = FIG_WIDTH) -> TracerFigure:
    """An empty card-coloured :class:`~tracer.render.figure.TracerFigure`, sized for ``rows`` rows of grids.

    A matplotlib Figure that a notebook shows as an image. Its canvas is a
    :class:`~tracer.render.glyphs.GlyphCanvas`: Agg, with short texts drawn from cached bitmaps.
    """
    with styled():
        fig = TracerFigure(figsize=(width, figure_height(rows, row_height)), dpi=dpi, facecolor=CARD)
        GlyphCanvas(fig)
    return fig


def draw_event(
    fig: Figure, event: ev.Event, call: Call, state: dict[str, np.ndarray], *, channel: int = 0
) -> list[Artist]:
    """Draw one step on ``fig`` with the drawer of its event class; return the artists made.

    Parameters
    ----------
    fig : Figure
        An empty figure from :func:`new_figure`.
    event : Event
        The step (``trace[k]``).
    call : Call
        Its recorded call (``trace.call_of(k)``).
    state : dict of str to ndarray
        The call's arrays after the step (``trace.replay(k + 1)``).
    channel : int
        The input channel shown for convolutions.
    """
    with styled():
        out = drawer_for(event)(fig, event, call, state, channel=channel)
    return list(out.artists) if hasattr(out, "artists") else list(out)


def _layout(trace: Trace) -> tuple[int, float, float]:
    """Rows of grids, the height of a row and the figure's width (inches) for every step of ``trace``.

    Traces drawn by scenes of grids (the convolution and pooling events) get a
    figure just big enough for their grids; other drawers get the standard
    ``FIG_WIDTH`` and ``ROW_HEIGHT``.
    """
    codes = {row[0] for call in trace.calls for row in call.rows}
    drawers = [drawer_of_class(ev.EVENT_TYPES[code]) for code in codes if code in ev.EVENT_TYPES]
    rows = max([int(getattr(d, "rows", 1)) for d in drawers] + [1])
    if not all(isinstance(d, type) and issubclass(d, Scene) for d in drawers):
        return rows, ROW_HEIGHT, FIG_WIDTH
    tallest = max(_tallest(call) for call in trace.calls)
    width = max(transpose.content_width(call) if call.name in transpose.CALLS else content_width(call)
                for call in trace.calls)
    return rows, float(np.clip(tallest * MAX_CELL + 1.0, 2.1, ROW_HEIGHT)), width


def _tallest(call: Call) -> int:
    """Rows of the tallest grid a drawing of ``call`` shows (padded inputs included)."""
    if call.name in transpose.CALLS:
        return transpose.tallest(call)
    pad = call.params.get("pad", 0)
    n = [a.shape[1] + 2 * pad if a.ndim == 4 else a.shape[0] for a in call.arrays.values() if a.ndim >= 2]
    if "shape" in call.params:
        n.append(call.params["shape"][0])
    return max(n + [1])



class _States:
    """``(event, call, state)`` of any step of a trace, replaying forward from the last one asked."""

    def __init__(self, trace: Trace):
        self.trace = trace
        self._it: Iterator | None = None
        self._k = -1
        self._last: tuple | None = None

    def get(self, k: int) -> tuple[ev.Event, Call, dict[str, np.ndarray]]:
        if self._it is None or k < self._k:
            self._it, self._k = self.trace.states(), -1
        while self._k < k:
            self._k, event, state = next(self._it)
            self._last = (event, state)
        event, state = self._last
        return event, self.trace.call_of(k), state


class Renderer:
    """Draws steps of one trace on one figure, reusing the scene's artists from step to step.

    A frame has three bands: the header (the call and its parameters, and on the
    right what the scene shows of several channels), the scene (its grids and,
    under them, the formula line of the step's arithmetic), and the footer: the
    step's number, as ``trace[k]`` and ``trace.goto(k)`` count it, and its
    caption (``trace[k].describe()``). Each piece of information appears once.

    Parameters
    ----------
    trace : Trace
    dpi : int, optional
        Pixels per inch (default 100: frames up to 1000 px wide, sized to their grids).
    channel : int, optional
        The input channel shown for convolutions (default 0).
    blit : bool
        Redraw only what changed from frame to frame (default); ``False`` draws
        every frame in full (the same pixels, slower: for comparisons).
    caption : bool
        Draw the footer (default): a frame shown alone (``trace.plot(k)`` in a
        REPL or a notebook, a GIF) says which step it is and what it does.
        ``False`` leaves it out: :meth:`image` and :meth:`png` stop above it,
        for a page that shows the number and the caption itself (the site's
        step player, a figure with a caption of its own).

    Attributes
    ----------
    fig : Figure
        The figure every step is drawn on; its size is fixed for the whole trace
        (the footer band included, empty when ``caption`` is ``False``).
    """

    def __init__(self, trace: Trace, *, dpi: int | None = None, channel: int | None = None, blit: bool = True,
                 caption: bool = True):
        self.trace = _check_trace("Renderer", trace)
        self.blit = bool(blit)
        self.dpi = _check_dpi("Renderer", dpi)
        self.channel = _check_channel("Renderer", trace, channel)
        self.show_caption = _check_caption("Renderer", caption)
        rows, row_height, width = _layout(trace)
        self.fig = new_figure(rows, self.dpi, row_height, width)
        self.scene: Any = None
        self._frames = 0
        self._states = _States(trace)
        self._frame_artists()

    def _frame_artists(self) -> None:
        W, H = self.fig.get_size_inches()
        with styled():
            self.header = self.fig.text(0.3 / W, 1 - HEADER / 2 / H, "", ha="left", va="center", fontsize=12,
                                        fontweight="bold", color=INK)
            self.header_note = self.fig.text(1 - 0.3 / W, 1 - HEADER / 2 / H, "", ha="right", va="center",
                                             fontsize=11, color=MUTED, linespacing=1.1)
            self.caption = self.fig.text(0.5, FOOTER / 2 / H, "", ha="center", va="center", fontsize=10,
                                         color=MUTED, linespacing=1.3, gid=CAPTION_GID)
        self._header_key: tuple[str, str] | None = None

    def __repr__(self) -> str:
        w, h = self.size
        shown = "" if self.show_caption else ", no caption"
        return f"<Renderer of {len(self.trace)} steps, {w}x{h} px, channel {self.channel}{shown}>"

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` of a frame in pixels (without the footer when ``caption`` is ``False``)."""
        w, h = self.fig.canvas.get_width_height(physical=True)
        return int(w), int(h) - (0 if self.show_caption else footer_pixels(self.fig))

    def draw(self, k: int) -> list[Artist]:
        """Draw step ``k``; return the artists that changed (all of them after a new scene)."""
        k = _check_step("Renderer.draw", self.trace, k)
        event, call, state = self._states.get(k)
        return self.draw_state(k, event, call, state)

    def draw_state(self, k: int, event: ev.Event, call: Call, state: dict[str, np.ndarray]) -> list[Artist]:
        """Draw step ``k`` from its event, call and replayed state; return the artists that changed."""
        with styled():
            scene = self.scene
            if scene is not None and hasattr(scene, "accepts") and scene.accepts(event, call):
                scene.update(event, state)
            else:
                drawer = drawer_for(event)
                self.fig.clear()
                self._frame_artists()
                out = drawer(self.fig, event, call, state, channel=self.channel)
                self.scene = out if hasattr(out, "update") else None
                self._watch = list(out.artists) if hasattr(out, "artists") else list(out)
                self._watch += [self.header, self.header_note, self.caption]
                self._outside = {id(a) for a in getattr(out, "outside", ())}
                self._order = {id(a): j for j, a in enumerate(self.fig.axes)}
                self._background = None
                self._animated: set[Artist] = set()
                self._hint = list(getattr(out, "moving", [])) + [self.caption]
                self._last_full = -10
            params = ", ".join(f"{key} {v}" for key, v in call.params.items() if key != "shape")
            self._set_header(f"{call.name}" + (f"  ({params})" if params else ""),
                             getattr(self.scene, "header_note", ""))
            if self.show_caption:
                width = int(CAPTION_WIDTH * self.fig.get_size_inches()[0] / FIG_WIDTH)
                self.caption.set_text(textwrap.fill(f"{step_label(k, len(self.trace))}:  {event.describe()}", width))
        return [a for a in self._watch if a.stale]

    def _set_header(self, title: str, note: str) -> None:
        """The header line: ``title`` on the left, ``note`` on the right, smaller or on two lines if they would meet."""
        if (title, note) == self._header_key:
            return
        self._header_key = (title, note)
        self.header.set_text(title)
        self.header.set_fontsize(12)
        self.header_note.set_text(note)
        self.header_note.set_fontsize(11)
        if not note:
            return
        renderer = self.fig.canvas.get_renderer()
        room = self.fig.bbox.width - 0.6 * self.fig.dpi - 0.3 * self.fig.dpi  # margins, and a gap between the two

        def width(text: Text) -> float:
            lines = text.get_text().split("\n")
            prop = text.get_fontproperties()
            return max(renderer.get_text_width_height_descent(line, prop, ismath=False)[0] for line in lines)

        tries = [(12, note, 11), (12, note, 10), (12, note, 9), (12, _two_lines(note), 9), (10, _two_lines(note), 8.5)]
        for title_size, text, note_size in tries:
            self.header.set_fontsize(title_size)
            self.header_note.set_text(text)
            self.header_note.set_fontsize(note_size)
            if width(self.header) + width(self.header_note) <= room:
                return

    def _dynamic(self, changed: list[Artist]) -> set[Artist]:
        """``changed`` and every artist drawn over one of them (same axes, higher zorder)."""
        dynamic = set(changed)
        lowest: dict[int, float] = {}
        for a in changed:
            if a.axes is not None and id(a) not in self._outside:
                key = id(a.axes)
                lowest[key] = min(lowest.get(key, np.inf), a.get_zorder())
        for a in self._watch:
            if a.axes is not None and id(a.axes) in lowest and id(a) not in self._outside:
                if a.get_zorder() >= lowest[id(a.axes)]:
                    dynamic.add(a)
        return dynamic

    def render(self) -> None:
        """Bring the canvas up to date, redrawing only the artists that changed.

        The artists a scene expects to change (its ``moving`` list), those drawn
        over them, and those seen changing are left out of a cached background;
        a frame restores the background and draws only them (blitting). The
        background is redrawn when an artist outside that set changes, so the
        pixels are those of a full draw.
        """
        canvas = self.fig.canvas
        with styled():
            dynamic = self._dynamic([a for a in self._watch if a.stale])
            if not self.blit:
                canvas.draw()
                return
            self._frames += 1
            if self._background is None or not dynamic <= self._animated:
                # the artists that change (or are expected to) are left out of the cached background;
                # those seen changing join them, for good if they change again within a few frames
                if self._background is None:  # a new scene: every artist is new, cache all but the moving ones
                    self._animated = self._dynamic(self._hint)
                elif self._frames - self._last_full <= 4:
                    self._animated |= dynamic
                else:
                    self._animated = self._dynamic(self._hint) | dynamic
                self._last_full = self._frames
                for a in self._watch:
                    a.set_animated(a in self._animated)
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.fig.bbox)
            else:
                canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            n = len(self._order)
            # axes by axes, in zorder, then in the order the scene made them: the same order every run
            rank = {id(a): j for j, a in enumerate(self._watch)}
            for a in sorted(self._animated,
                            key=lambda a: (self._order.get(id(a.axes), n), a.get_zorder(), rank.get(id(a), n))):
                a.draw(renderer)

    def png(self) -> bytes:
        """The current frame as PNG bytes (no metadata: the same drawing gives the same bytes)."""
        buf = io.BytesIO()
        self.image().save(buf, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
        return buf.getvalue()

    def image(self) -> Image.Image:
        """The current frame as an RGB :class:`PIL.Image.Image` (above the footer when ``caption`` is ``False``)."""
        self.render()
        rgba = np.asarray(self.fig.canvas.buffer_rgba())
        if not self.show_caption:
            rgba = rgba[: rgba.shape[0] - footer_pixels(self.fig)]  # whole rows: still one block of memory
        # read in place and converted by Pillow (a quarter of the time of copying the RGB planes out with numpy)
        size = (rgba.shape[1], rgba.shape[0])
        return Image.frombuffer("RGBA", size, np.ascontiguousarray(rgba), "raw", "RGBA", 0, 1).convert("RGB")


def footer_pixels(fig: Figure) -> int:
    """Height in pixels of the footer band (step number and caption) at the bottom of a frame of ``fig``."""
    return footer_pixels_at(fig.dpi)


def footer_pixels_at(dpi: float) -> int:
    """Height in pixels of a frame's footer band at ``dpi``."""
    return int(round(FOOTER * dpi))


def _two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle (unchanged without a space)."""
    spaces = [j for j, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    j = min(spaces, key=lambda j: abs(j - len(text) / 2))
    return text[:j] + "\n" + text[j + 1:]


def without_caption(fig: Figure) -> Figure:
    """Blank the footer (step number and caption) of a figure from :func:`plot`; return ``fig``.

    For a page that captions the figure itself: saved with
    ``bbox_inches="tight"`` (as Jupyter shows figures), the empty band is cut
    away. A figure that has no such footer is returned unchanged.
    """
    for text in fig.texts:
        if text.get_gid() == CAPTION_GID:
            text.set_text("")
    return fig


# -- public API ----------------------------------------------------------------------------------


def plot(trace: Trace, k: int | None = None, *, dpi: int | None = None, channel: int | None = None,
         caption: bool = True) -> TracerFigure:
    """Draw step ``k`` of ``trace`` (default: its cursor) on a new figure.

    Parameters
    ----------
    caption : bool
        Write the step's number and caption under the drawing (default): the
        figure explains itself in a REPL or a notebook. ``False`` leaves that
        band empty, for a page that captions the figure (saved with
        ``bbox_inches="tight"``, the band is cut away); see :class:`Renderer`.

    Returns
    -------
    TracerFigure
        A matplotlib Figure with an Agg canvas: ``fig.savefig(...)``; in Jupyter, a cell ending in
        ``fig`` shows it (no ``%matplotlib inline``, no pyplot).
    """
    trace = _check_trace("plot", trace)
    k = _check_step("plot", trace, trace.cursor if k is None else k)
    renderer = Renderer(trace, dpi=dpi, channel=channel, caption=_check_caption("plot", caption))
    renderer.draw_state(k, trace[k], trace.call_of(k), trace.replay(k + 1))
    return renderer.fig


def png_bytes(trace: Trace, k: int | None = None, *, dpi: int | None = None, channel: int | None = None,
              caption: bool = True) -> bytes:
    """Step ``k`` (default: the cursor) as PNG bytes, e.g. for Jupyter's ``_repr_png_``.

    ``caption=False`` stops the image above the step's number and caption (see :class:`Renderer`).
    """
    trace = _check_trace("png_bytes", trace)
    k = _check_step("png_bytes", trace, trace.cursor if k is None else k)
    renderer = Renderer(trace, dpi=dpi, channel=channel, caption=_check_caption("png_bytes", caption))
    renderer.draw_state(k, trace[k], trace.call_of(k), trace.replay(k + 1))
    return renderer.png()


def animate(
    trace: Trace,
    *,
    steps: Iterable[int] | None = None,
    interval: int = GIF_MS,
    dpi: int | None = None,
    channel: int | None = None,
    repeat: bool = True,
) -> Any:
    """A :class:`matplotlib.animation.FuncAnimation` of the steps of ``trace`` (``trace.animate()`` is the step player).

    For Jupyter and for an HTML file, :func:`tracer.render.step_player` (what ``trace.animate()``
    returns) is lighter and steps without a kernel; this one is matplotlib's, e.g. to write
    a video with one of its writers.

    Its artists are made once per scene and then only updated. Save it with
    ``anim.save("steps.gif", writer=matplotlib.animation.PillowWriter(fps=2))``
    or show it in Jupyter with ``anim.to_jshtml()``.

    Parameters
    ----------
    steps : iterable of int, optional
        The steps to show, in order (default: every step).
    interval : int
        Milliseconds between frames.
    """
    from matplotlib.animation import FuncAnimation

    trace = _check_trace("animate", trace)
    frames = _check_steps("animate", trace, steps)
    if isinstance(interval, bool) or not isinstance(interval, (int, np.integer)) or interval < 1:
        raise ValueError(f"animate: interval must be a positive int (milliseconds), got {interval!r}")
    renderer = Renderer(trace, dpi=dpi, channel=channel)
    renderer.draw(frames[0])

    def update(k: int) -> list[Artist]:
        return renderer.draw(k)

    anim = FuncAnimation(renderer.fig, update, frames=frames, interval=int(interval), repeat=repeat,
                         cache_frame_data=False)
    anim.renderer = renderer  # type: ignore[attr-defined]
    return anim
