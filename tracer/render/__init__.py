"""Figures and animations of traces: one picture per step, drawn from what the trace recorded.

The only module of the package, with the lessons, that imports matplotlib. It
never recomputes what a trace holds: it draws the events, the arrays each call
stored and the states that :meth:`tracer.Trace.states` replays. Library code
uses :class:`matplotlib.figure.Figure` with the Agg canvas, never pyplot.

Drawing dispatches on the event class through :data:`DRAWERS`; adding the
drawing of a new kind of event is one line::

    DRAWERS[MyEvent] = draw_my_event   # draw_my_event(fig, event, call, state, *, channel=0) -> artists

A drawer that returns an object with ``update(event, state)`` and
``accepts(event, call)`` (a :class:`tracer.render.scenes.Scene`) is reused from
step to step of an animation, which then only updates its artists.

From a trace, ``trace.plot(k)`` returns the figure of step ``k``,
``trace.animate()`` a :class:`matplotlib.animation.FuncAnimation`, and
``trace.save(path)`` writes a GIF, a PNG or a directory of frames; in Jupyter a
trace shows its current step. From a shell, ``python -m tracer conv_forward``
(:mod:`tracer.cli`) records and draws a course function.

Examples
--------
>>> import numpy as np, tracer
>>> from tracer import render
>>> with tracer.record() as trace:
...     A, cache = tracer.pool_forward(np.arange(16.0).reshape(1, 4, 4, 1), {"f": 2, "stride": 2})
>>> fig = render.plot(trace, 0)                          # doctest: +SKIP
>>> player = render.write_player(trace, "out", "pool")   # doctest: +SKIP
"""

from __future__ import annotations

import io
import json
import os
import textwrap
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import events as ev
from ..recording import Call, Trace
from .network import draw_network_step
from .glyphs import figure_text
from .scenes import (
    ConvBackScene,
    ConvWindowScene,
    DistributeScene,
    MaskScene,
    PadScene,
    PoolBackScene,
    PoolWindowScene,
    SingleStepScene,
    content_width,
)
from .style import CARD, FIG_WIDTH, FOOTER, HEADER, INK, MAX_CELL, MUTED, ROW_HEIGHT, figure_height

__all__ = [
    "DRAWERS",
    "STYLE",
    "DEFAULT_DPI",
    "Renderer",
    "draw_event",
    "new_figure",
    "plot",
    "png_bytes",
    "animate",
    "save",
    "write_player",
]

#: How each event class is drawn: ``drawer(fig, event, call, state, *, channel=0)``
#: returns a :class:`Scene` (reused from step to step) or a list of artists.
DRAWERS: dict[type, Callable[..., Any]] = {
    ev.Pad: PadScene,
    ev.SingleStep: SingleStepScene,
    ev.ConvWindow: ConvWindowScene,
    ev.PoolWindow: PoolWindowScene,
    ev.Mask: MaskScene,
    ev.Distribute: DistributeScene,
    ev.ConvBackWindow: ConvBackScene,
    ev.PoolBackWindow: PoolBackScene,
    ev.LinearForward: draw_network_step,
    ev.ActivationForward: draw_network_step,
    ev.Cost: draw_network_step,
    ev.ActivationBackward: draw_network_step,
    ev.LinearBackward: draw_network_step,
    ev.Update: draw_network_step,
}
#: The drawers of the convolution and pooling events, whose figures are sized to their grids.
_BUILTIN = frozenset((ev.Pad, ev.SingleStep, ev.ConvWindow, ev.PoolWindow, ev.Mask, ev.Distribute,
                      ev.ConvBackWindow, ev.PoolBackWindow))

#: matplotlib settings every figure is made and drawn with, so that frames are identical
#: whatever the user's matplotlibrc says.
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "mathtext.fontset": "dejavusans",
    "axes.unicode_minus": True,
    "text.antialiased": True,
    "text.hinting": "default",
    "image.interpolation": "nearest",
    "path.simplify": True,
}

DEFAULT_DPI = 100
GIF_MS = 700  # time per GIF frame
PNG_COMPRESS_LEVEL = 1  # zlib level: 1 encodes about 5x faster than the default at +30% size
PARALLEL_MIN_FRAMES = 64  # write_player splits longer renders over 2 processes (shorter: not worth a fork)
CAPTION_WIDTH = 125  # characters per caption line in a figure FIG_WIDTH wide


# -- checks --------------------------------------------------------------------------------------


def _check_dpi(fn: str, dpi: Any) -> int:
    if dpi is None:
        return DEFAULT_DPI
    if isinstance(dpi, bool) or not isinstance(dpi, (int, np.integer)) or not 10 <= dpi <= 600:
        raise ValueError(f"{fn}: dpi must be an int from 10 to 600, got {dpi!r}")
    return int(dpi)


def _n_channels(call: Call) -> int:
    """How many channels the displayed input of ``call`` has (1 when it has none)."""
    a = call.arrays
    for name, axis in (("A_prev", 3), ("X", 3), ("a_slice_prev", 2)):
        if name in a and a[name].ndim > axis:  # the network's X and A_prev are 2-D: no channels
            return int(a[name].shape[axis])
    return 1


def _check_channel(fn: str, trace: Trace, channel: Any) -> int:
    if channel is None:
        return 0
    if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)):
        raise TypeError(f"{fn}: channel must be an int, got {channel!r} ({type(channel).__name__})")
    for call in trace.calls:
        n = _n_channels(call)
        if not 0 <= channel < n:
            raise ValueError(
                f"{fn}: channel must be an input channel from 0 to {n - 1} "
                f"({call.name}'s input has {n}), got {channel}"
            )
    return int(channel)


def _check_trace(fn: str, trace: Any) -> Trace:
    if not isinstance(trace, Trace):
        raise TypeError(f"{fn}: trace must be a tracer.Trace (from `with tracer.record() as trace:`), "
                        f"got {type(trace).__name__}")
    if len(trace) == 0:
        raise ValueError(f"{fn}: the trace has no events to draw; record a call inside `with tracer.record()`")
    return trace


def _check_step(fn: str, trace: Trace, k: Any, name: str = "k") -> int:
    n = len(trace)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"{fn}: {name} must be an int step index, got {k!r} ({type(k).__name__})")
    if not -n <= k < n:
        raise IndexError(f"{fn}: {name} = {k} is out of range: the trace has {n} events (0 to {n - 1})")
    return int(k) % n


def _check_steps(fn: str, trace: Trace, steps: Iterable[int] | None) -> list[int]:
    if steps is None:
        return list(range(len(trace)))
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Iterable):
        raise TypeError(f"{fn}: steps must be an iterable of step indices, got {type(steps).__name__}")
    out = [_check_step(fn, trace, k, "steps item") for k in steps]
    if not out:
        raise ValueError(f"{fn}: steps must name at least one step, got an empty iterable")
    return out


def drawer_for(event: Any) -> Callable[..., Any]:
    """The drawer registered in :data:`DRAWERS` for ``event``'s class (or a base class)."""
    for cls in type(event).__mro__:
        if cls in DRAWERS:
            return DRAWERS[cls]
    known = ", ".join(sorted(c.__name__ for c in DRAWERS))
    raise ValueError(
        f"no drawer for events of kind {type(event).__name__!r}; known kinds: {known}. "
        f"Register one with tracer.render.DRAWERS[{type(event).__name__}] = draw_fn"
    )


# -- figures -------------------------------------------------------------------------------------


def new_figure(rows: int = 1, dpi: int = DEFAULT_DPI, row_height: float = ROW_HEIGHT,
               width: float = FIG_WIDTH) -> Figure:
    """An empty card-coloured :class:`Figure` with an Agg canvas, sized for ``rows`` rows of grids."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, figure_height(rows, row_height)), dpi=dpi, facecolor=CARD)
        FigureCanvasAgg(fig)
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
    with matplotlib.rc_context(STYLE):
        out = drawer_for(event)(fig, event, call, state, channel=channel)
    return list(out.artists) if hasattr(out, "artists") else list(out)


def _layout(trace: Trace) -> tuple[int, float, float]:
    """Rows of grids, the height of a row and the figure's width (inches) for every step of ``trace``.

    Traces of the convolution and pooling events get a figure just big enough
    for their grids; other drawers get the standard ``FIG_WIDTH`` and ``ROW_HEIGHT``.
    """
    codes = {row[0] for call in trace.calls for row in call.rows}
    classes = {ev.EVENT_TYPES[code] for code in codes if code in ev.EVENT_TYPES}
    rows = max([int(getattr(drawer_for_class(cls), "rows", 1)) for cls in classes] + [1])
    if not classes <= _BUILTIN:
        return rows, ROW_HEIGHT, FIG_WIDTH
    tallest = max(_tallest(call) for call in trace.calls)
    width = max(content_width(call) for call in trace.calls)
    return rows, float(np.clip(tallest * MAX_CELL + 1.0, 2.1, ROW_HEIGHT)), width


def _tallest(call: Call) -> int:
    """Rows of the tallest grid a drawing of ``call`` shows (padded inputs included)."""
    pad = call.params.get("pad", 0)
    n = [a.shape[1] + 2 * pad if a.ndim == 4 else a.shape[0] for a in call.arrays.values() if a.ndim >= 2]
    if "shape" in call.params:
        n.append(call.params["shape"][0])
    return max(n + [1])


def drawer_for_class(cls: type) -> Callable[..., Any] | None:
    for base in cls.__mro__:
        if base in DRAWERS:
            return DRAWERS[base]
    return None


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

    Attributes
    ----------
    fig : Figure
        The figure every step is drawn on; its size is fixed for the whole trace.
    """

    def __init__(self, trace: Trace, *, dpi: int | None = None, channel: int | None = None, blit: bool = True):
        self.trace = _check_trace("Renderer", trace)
        self.blit = bool(blit)
        self.dpi = _check_dpi("Renderer", dpi)
        self.channel = _check_channel("Renderer", trace, channel)
        rows, row_height, width = _layout(trace)
        self.fig = new_figure(rows, self.dpi, row_height, width)
        self.scene: Any = None
        self._frames = 0
        self._states = _States(trace)
        self._frame_artists()

    def _frame_artists(self) -> None:
        W, H = self.fig.get_size_inches()
        with matplotlib.rc_context(STYLE):
            self.header = figure_text(self.fig, 0.3 / W, 1 - HEADER / 2 / H, "", ha="left", va="center",
                                      fontsize=12, fontweight="bold", color=INK)
            self.counter = figure_text(self.fig, 1 - 0.3 / W, 1 - HEADER / 2 / H, "", ha="right", va="center",
                                       fontsize=11, color=MUTED)
            self.caption = figure_text(self.fig, 0.5, FOOTER / 2 / H, "", ha="center", va="center", fontsize=10,
                                       color=MUTED, linespacing=1.3)

    def __repr__(self) -> str:
        w, h = self.size
        return f"<Renderer of {len(self.trace)} steps, {w}x{h} px, channel {self.channel}>"

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` of a frame in pixels."""
        w, h = self.fig.canvas.get_width_height(physical=True)
        return int(w), int(h)

    def draw(self, k: int) -> list[Artist]:
        """Draw step ``k``; return the artists that changed (all of them after a new scene)."""
        k = _check_step("Renderer.draw", self.trace, k)
        event, call, state = self._states.get(k)
        return self.draw_state(k, event, call, state)

    def draw_state(self, k: int, event: ev.Event, call: Call, state: dict[str, np.ndarray]) -> list[Artist]:
        """Draw step ``k`` from its event, call and replayed state; return the artists that changed."""
        with matplotlib.rc_context(STYLE):
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
                self._watch += [self.header, self.counter, self.caption]
                self._order = {id(a): j for j, a in enumerate(self.fig.axes)}
                self._background = None
                self._animated: set[Artist] = set()
                self._hint = list(getattr(out, "moving", [])) + [self.counter, self.caption]
                self._last_full = -10
            params = ", ".join(f"{key} {v}" for key, v in call.params.items() if key != "shape")
            extra = getattr(self.scene, "header_note", "")
            self.header.set_text(f"{call.name}" + (f"  ({params})" if params else ""))
            self.counter.set_text((f"{extra}  ·  " if extra else "") + f"step {k + 1} of {len(self.trace)}")
            width = int(CAPTION_WIDTH * self.fig.get_size_inches()[0] / FIG_WIDTH)
            self.caption.set_text(textwrap.fill(event.describe(), width))
        return [a for a in self._watch if a.stale]

    def _dynamic(self, changed: list[Artist]) -> set[Artist]:
        """``changed`` and every artist drawn over one of them (same axes, higher zorder)."""
        dynamic = set(changed)
        lowest: dict[int, float] = {}
        for a in changed:
            if a.axes is not None and not getattr(a, "_outside", False):
                key = id(a.axes)
                lowest[key] = min(lowest.get(key, np.inf), a.get_zorder())
        for a in self._watch:
            if a.axes is not None and id(a.axes) in lowest and not getattr(a, "_outside", False):
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
        with matplotlib.rc_context(STYLE):
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

    def image(self) -> Any:
        """The current frame as an RGB :class:`PIL.Image.Image`."""
        from PIL import Image

        self.render()
        rgba = np.asarray(self.fig.canvas.buffer_rgba())
        return Image.fromarray(rgba[..., :3].copy(), "RGB")


# -- public API ----------------------------------------------------------------------------------


def plot(trace: Trace, k: int | None = None, *, dpi: int | None = None, channel: int | None = None) -> Figure:
    """Draw step ``k`` of ``trace`` (default: its cursor) on a new figure.

    Returns
    -------
    Figure
        With an Agg canvas; ``fig.savefig(...)`` or display it in Jupyter.
    """
    trace = _check_trace("plot", trace)
    k = _check_step("plot", trace, trace.cursor if k is None else k)
    renderer = Renderer(trace, dpi=dpi, channel=channel)
    renderer.draw_state(k, trace[k], trace.call_of(k), trace.replay(k + 1))
    return renderer.fig


def png_bytes(trace: Trace, k: int | None = None, *, dpi: int | None = None, channel: int | None = None) -> bytes:
    """Step ``k`` (default: the cursor) as PNG bytes, e.g. for Jupyter's ``_repr_png_``."""
    trace = _check_trace("png_bytes", trace)
    k = _check_step("png_bytes", trace, trace.cursor if k is None else k)
    renderer = Renderer(trace, dpi=dpi, channel=channel)
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
    """A :class:`matplotlib.animation.FuncAnimation` of the steps of ``trace``.

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


def _frame_name(j: int, n: int) -> str:
    return f"{j:0{max(3, len(str(n - 1)))}d}.png"


def _strip(trace: Trace) -> Trace:
    """A copy of ``trace`` that pickles (without the recording callbacks)."""
    calls = [replace(c, emit=None, _cache={}) for c in trace.calls]
    return Trace(calls, trace._positions)


def _render_frames(
    trace: Trace, jobs: list[tuple[int, str]], dpi: int, channel: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Write the PNG of each ``(step, path)`` in ``jobs``; return the frame size."""
    renderer = Renderer(trace, dpi=dpi, channel=channel)
    by_step: dict[int, list[str]] = {}
    for k, path in jobs:
        by_step.setdefault(k, []).append(path)
    last = max(by_step)
    for k, event, state in trace.states():
        if k in by_step:
            renderer.draw_state(k, event, trace.call_of(k), state)
            data = renderer.png()
            for path in by_step[k]:
                Path(path).write_bytes(data)
                if progress is not None:
                    progress(1)
        if k >= last:
            break
    return renderer.size


def _render_chunk(trace: Trace, jobs: list[tuple[int, str]], dpi: int, channel: int) -> tuple[int, int]:
    return _render_frames(trace, jobs, dpi, channel)


def write_player(
    trace: Trace,
    directory: str | os.PathLike,
    name: str,
    *,
    steps: Iterable[int] | None = None,
    dpi: int | None = None,
    gif: bool = True,
    channel: int | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write one PNG per step, an animated GIF and a ``player.json`` that lists them.

    Writes ``directory/name/000.png, 001.png, ...`` (one per step, in the order
    of ``steps``), ``directory/name/anim.gif`` (if ``gif``) and
    ``directory/name/player.json``::

        {"name": name, "width": px, "height": px, "gif": "anim.gif",
         "steps": [{"src": "000.png", "index": k, "caption": event.describe()}, ...]}

    Parameters
    ----------
    trace : Trace
    directory : path
        Parent directory; ``directory/name`` is created.
    name : str
        The player's name: a single path component.
    steps : iterable of int, optional
        Step indices of the trace (default: every step).
    dpi : int, optional
        Pixels per inch (default 100).
    gif : bool
        Also write ``anim.gif`` (``"gif"`` is ``null`` in the JSON otherwise).
    channel : int, optional
        The input channel shown for convolutions (default 0).
    workers : int, optional
        Processes to render with (default: 2 for 64 frames or more on a machine
        with 2 cores or more, else 1).
    progress : callable, optional
        Called as ``progress(done, total)`` after each frame.

    Returns
    -------
    dict
        The content of ``player.json``.

    Notes
    -----
    The same trace gives byte-identical files: fixed fonts and DPI, PNGs and
    the GIF written by Pillow without metadata.
    """
    fn = "write_player"
    trace = _check_trace(fn, trace)
    if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or os.sep in name:
        raise ValueError(f"{fn}: name must be a non-empty file name without '/', got {name!r}")
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"{fn}: directory must be a path, got {type(directory).__name__}")
    wanted = _check_steps(fn, trace, steps)
    dpi = _check_dpi(fn, dpi)
    channel = _check_channel(fn, trace, channel)
    if workers is None:
        workers = 2 if len(wanted) >= PARALLEL_MIN_FRAMES and (os.cpu_count() or 1) >= 2 else 1
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(f"{fn}: workers must be a positive int, got {workers!r}")
    out = Path(directory) / name
    out.mkdir(parents=True, exist_ok=True)
    names = [_frame_name(j, len(wanted)) for j in range(len(wanted))]
    jobs = [(k, str(out / fname)) for k, fname in zip(wanted, names)]
    total, done = len(jobs), [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], total)

    if workers == 1 or len(jobs) < 2:
        size = _render_frames(trace, jobs, dpi, channel, tick)
    else:
        # contiguous chunks, so that each process reuses its scene from step to step; long renders
        # get up to 4 chunks per process (one of at least 25 frames), for a finer progress report
        order = sorted(range(len(jobs)), key=lambda j: jobs[j][0])
        n_chunks = max(workers, min(4 * workers, len(jobs) // 25))
        chunks = [[jobs[j] for j in part] for part in np.array_split(np.array(order), n_chunks) if len(part)]
        stripped = _strip(trace)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_render_chunk, stripped, chunk, dpi, channel): len(chunk) for chunk in chunks}
            sizes = []
            for fut in as_completed(futures):
                sizes.append(fut.result())
                tick(futures[fut])
        size = sizes[0]
    # frames of an earlier, longer render of the same player would linger: remove them
    for stale in out.glob("*.png"):
        if stale.stem.isdigit() and stale.name not in names:
            stale.unlink()
    if gif:
        _write_gif(out / "anim.gif", [out / fname for fname in names])
    elif (out / "anim.gif").exists():
        (out / "anim.gif").unlink()
    player = {
        "name": name,
        "width": size[0],
        "height": size[1],
        "gif": "anim.gif" if gif else None,
        "steps": [{"src": fname, "index": k, "caption": trace[k].describe()} for k, fname in zip(wanted, names)],
    }
    (out / "player.json").write_text(json.dumps(player, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return player


def _write_gif(path: Path, frames: list[Path], ms: int = GIF_MS) -> None:
    """An animated GIF of the PNG ``frames`` (one shared palette, looping forever, no dithering)."""
    from PIL import Image

    images = []
    for p in frames:
        with Image.open(p) as im:
            images.append(im.convert("RGB"))
    # one palette for every frame, from up to 6 frames spread over the animation
    picks = sorted({round(j * (len(images) - 1) / 5) for j in range(6)}) if len(images) > 1 else [0]
    w, h = images[0].width, images[0].height
    sample = Image.new("RGB", (w, h * len(picks)))
    for row, j in enumerate(picks):
        sample.paste(images[j], (0, row * h))
    palette = sample.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    quantized = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    quantized[0].save(path, format="GIF", save_all=True, append_images=quantized[1:], duration=ms, loop=0,
                      optimize=False)


def save(
    trace: Trace,
    path: str | os.PathLike,
    *,
    steps: Iterable[int] | None = None,
    dpi: int | None = None,
    channel: int | None = None,
    gif: bool = True,
    k: int | None = None,
) -> Path:
    """Save ``trace`` as images: a GIF, one PNG, or a directory of frames.

    ``path`` ending in ``.gif``: an animated GIF of the steps. Ending in
    ``.png``: the picture of step ``k`` (default: the cursor). Otherwise a
    directory: ``000.png, 001.png, ...``, ``anim.gif`` (if ``gif``) and
    ``player.json``, as :func:`write_player` writes them.

    Returns
    -------
    Path
        What was written.
    """
    fn = "save"
    trace = _check_trace(fn, trace)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{fn}: path must be a file or directory path, got {type(path).__name__}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png_bytes(trace, k, dpi=dpi, channel=channel))
        return path
    if suffix == ".gif":
        import tempfile

        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            write_player(trace, tmp, "frames", steps=steps, dpi=dpi, channel=channel, gif=True)
            path.write_bytes((Path(tmp) / "frames" / "anim.gif").read_bytes())
        return path
    if suffix:
        raise ValueError(f"{fn}: path must end in .gif or .png, or be a directory, got {str(path)!r}")
    path = path.resolve()  # "." or "frames/" name a directory too
    write_player(trace, path.parent, path.name, steps=steps, dpi=dpi, channel=channel, gif=gif)
    return path
