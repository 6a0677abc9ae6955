"""What a trace shows: its text pictures, figures, players and JSON.

:class:`TraceViews` is a base class of :class:`tracer.Trace` (in :mod:`tracer.recording`):
the methods that turn the recorded steps into something to read or look at. Each one imports
the module that writes or draws when it is called (:mod:`tracer.text`, :mod:`tracer.export`,
:mod:`tracer.render` and matplotlib), so that ``import tracer`` stays light and the core never
imports drawing code at module level. They read the trace only through its public sequence,
cursor and replay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .recording import Trace

__all__ = ["TraceViews"]


class TraceViews:
    """The text, JSON, figure and player methods of :class:`tracer.Trace`."""

    __slots__ = ()

    # -- text picture (tracer.text) -------------------------------------------------------------

    def text(self, k: int | None = None) -> str:
        """A text picture of step ``k`` (default: the cursor), at most 80 columns wide.

        Imports :mod:`tracer.text` when called (it reads the recording types of this module).
        """
        from .text import step_text

        k = self.cursor if k is None else k
        event = self[k]
        call = self.call_of(k)
        k = int(k) % len(self)
        return step_text(event, call, self.replay(k + 1), k, len(self))

    # -- export and cell queries (tracer.export) ------------------------------------------------

    def to_json(self, indent: int | None = None) -> str:
        """The trace as versioned JSON (format ``tracer-trace``); see :func:`tracer.export.to_json`.

        Imports :mod:`tracer.export` when called.
        """
        from . import export

        return export.to_json(self, indent=indent)

    def readers(self, array: str, index: tuple[int, ...]) -> Trace:
        """The steps that read cell ``index`` of ``array``; see :func:`tracer.export.readers`.

        Imports :mod:`tracer.export` when called.
        """
        from . import export

        return export.readers(self, array, index)

    # -- pictures: the methods below import tracer.render (and matplotlib) only when called -----

    def plot(self, k: int | None = None, **kwargs: Any) -> Any:
        """Draw step ``k`` (default: the cursor); returns a matplotlib ``Figure``.

        Keyword arguments go to :func:`tracer.render.plot` (``dpi``, ``channel``).
        Imports :mod:`tracer.render` (and matplotlib) when called.
        """
        from . import render

        return render.plot(self, k, **kwargs)

    def animate(self, **kwargs: Any) -> Any:
        """The step player of the steps: a :class:`tracer.render.Player`; see :func:`tracer.render.step_player`.

        A notebook shows it (previous, play, next, a slider, keys, captions; its frames
        embedded, no kernel needed to step); ``.save("steps.html")`` writes it as a page.
        Keyword arguments: ``steps``, ``dpi``, ``channel``, ``interval``, ``repeat``,
        ``max_frames``. Past ``max_frames`` (60) steps it raises and says how to narrow
        the trace (``trace.where(...)``, ``steps=``). matplotlib's ``FuncAnimation`` of
        the steps is :func:`tracer.render.animate`. Imports :mod:`tracer.render` (and
        matplotlib) when called.
        """
        from . import render

        return render.step_player(self, **kwargs)

    def save(self, path: Any, **kwargs: Any) -> Any:
        """Save the steps as a GIF (``*.gif``), one PNG (``*.png``) or a directory of frames.

        See :func:`tracer.render.save`. Imports :mod:`tracer.render` (and matplotlib) when called.
        """
        from . import render

        return render.save(self, path, **kwargs)

    def _png(self, k: int | None = None) -> bytes:
        """Step ``k`` (default: the cursor) as PNG bytes, what Jupyter shows of a :class:`Step`.

        Imports :mod:`tracer.render` (and matplotlib) when called.
        """
        from . import render

        return render.png_bytes(self, k)

    def _repr_html_(self) -> str | None:
        """Jupyter shows a trace as its step player (past 60 steps: its current step, and how to narrow it).

        Imports :mod:`tracer.render.notebook` (and matplotlib) when called.
        """
        if len(self) == 0:
            return None
        from .render import notebook

        return notebook.trace_html(self)
