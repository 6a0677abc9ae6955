"""The Figure tracer draws on: a matplotlib Figure that Jupyter shows as an image, with no magic and no pyplot.

matplotlib's own :class:`~matplotlib.figure.Figure` shows an image in a notebook
only once pyplot or ``%matplotlib inline`` has registered IPython's formatter for
it; without them a cell ending in ``fig`` shows ``<Figure size 1000x505 with 4
Axes>``. :class:`TracerFigure` adds ``_repr_png_`` (IPython's protocol for an
object that draws itself) and changes nothing else. When the inline backend's
formatter is registered, IPython uses it instead: a PNG as well.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

__all__ = ["TracerFigure"]


class TracerFigure(Figure):
    """A :class:`matplotlib.figure.Figure` that Jupyter shows as an image, with no magic and no pyplot.

    Everything else is matplotlib's Figure; ``isinstance(fig, Figure)`` holds.
    """

    def _repr_png_(self) -> bytes:
        """The figure as PNG bytes, at its own dpi (what ``fig.savefig(f, format="png")`` writes)."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi="figure")
        return buffer.getvalue()
