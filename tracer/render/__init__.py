"""Figures and animations of traces: one picture per step, drawn from what the trace recorded.

The package of tracer that draws: matplotlib and Pillow are imported here and
nowhere else in tracer (the core's :class:`tracer.Trace` imports this package
only inside its picture methods). It never recomputes what a trace holds: it
draws the events, the arrays each call stored and the states that
:meth:`tracer.Trace.states` replays. Library code uses
:class:`matplotlib.figure.Figure` with the Agg canvas, never pyplot.

Modules, from the look to the files written:

- :mod:`~tracer.render.style`: colours, sizes in inches, matplotlib settings;
- :mod:`~tracer.render.glyphs`: texts drawn from cached bitmaps;
- :mod:`~tracer.render.grid`: grids of numbers and where they go;
- :mod:`~tracer.render.scenes`: the drawing of each conv and pool event;
- :mod:`~tracer.render.network`: the drawing of the network's steps;
- :mod:`~tracer.render.renderer`: the drawer registry, :class:`Renderer`, :func:`plot`, :func:`animate`;
- :mod:`~tracer.render.player`: :func:`write_player` (PNG frames, GIF, ``player.json``) and :func:`save`;
- :mod:`~tracer.render.check_figure`: the figure of a failing :func:`tracer.check`;
- :mod:`~tracer.render.figure`: :class:`TracerFigure`, the Figure that Jupyter shows as an image;
- :mod:`~tracer.render.notebook`: :class:`Player` and :func:`step_player`, the step player of a notebook.

Drawing dispatches on the event class through :data:`DRAWERS`; adding the
drawing of a new kind of event is one line::

    DRAWERS[MyEvent] = draw_my_event   # draw_my_event(fig, event, call, state, *, channel=0) -> artists

A drawer that returns an object with ``update(event, state)`` and
``accepts(event, call)`` (a :class:`tracer.render.scenes.Scene`) is reused from
step to step of an animation, which then only updates its artists.

A frame shows the call and its parameters in its header, the step's grids and
the formula of its arithmetic, and in its footer the step's number (``step 5
(0-25)``, as ``trace[5]`` counts) and caption, so that it explains itself in a
REPL, a notebook or a GIF. ``caption=False`` (:class:`Renderer`, :func:`plot`,
:func:`write_player`) leaves the footer out, for a page that shows the number
and the caption as text beside the frame, as the site's step player does.

From a trace, ``trace.plot(k)`` returns the figure of step ``k`` (a notebook
shows it as an image, with no magic and no pyplot), ``trace.animate()`` a
:class:`Player` (a notebook shows it as a step player; ``player.save("x.html")``
writes a page), and ``trace.save(path)`` writes a GIF, a PNG or a directory of
frames. In Jupyter a trace shows as its player, a step (``trace.next()``) as its
picture. :func:`animate` is matplotlib's :class:`~matplotlib.animation.FuncAnimation`
of the steps, e.g. to write a video. From a shell, ``python -m tracer conv_forward``
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

from .figure import TracerFigure
from .notebook import MAX_FRAMES, Player, step_player
from .player import save, write_player
from .renderer import DRAWERS, Renderer, animate, draw_event, new_figure, plot, png_bytes, without_caption
from .style import DEFAULT_DPI, STYLE

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
    "step_player",
    "Player",
    "TracerFigure",
    "MAX_FRAMES",
    "save",
    "write_player",
    "without_caption",
]
