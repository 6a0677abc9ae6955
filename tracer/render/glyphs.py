"""Texts drawn on Agg from cached bitmaps of their glyphs: the numbers of a grid, repeated frame after frame."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure, _stale_figure_callback
from matplotlib.font_manager import findfont, get_font
from matplotlib.text import Text



class CellText(Text):
    """A text drawn on Agg straight from a bitmap of its glyphs, cached for short strings.

    :meth:`matplotlib.text.Text.draw` lays out and rasterizes every glyph on
    every draw (about 1 ms for a number); a grid redraws dozens of numbers a
    frame, and they repeat from frame to frame and from cell to cell. This
    draws the string's bitmap, cached when short (a few hundredths of that).
    With ``ink_centre=True`` a one-line text has its ink centred on the anchor
    (the numbers in cells); other texts are laid out line by line on their
    baselines. Other renderers (PDF, SVG), rotated text and characters missing
    from the font fall back to ``Text.draw``.
    """

    def __init__(self, *args: Any, ink_centre: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.ink_centre = ink_centre

    def draw(self, renderer: Any) -> None:
        if not self.get_visible():
            return
        s = self.get_text()
        prop = self.get_fontproperties()
        if not isinstance(renderer, RendererAgg) or self.get_rotation() or not _has_glyphs(s, prop):
            super().draw(renderer)
            return
        if s:
            ppp = renderer.points_to_pixels(1.0)
            color = to_rgba(self.get_color())
            x, y = self.get_transform().transform(self.get_unitless_position())
            ha, va = self.get_horizontalalignment(), self.get_verticalalignment()
            gc = renderer.new_gc()
            gc.set_alpha(self.get_alpha() if self.get_alpha() is not None else 1.0)
            lines = s.split("\n")
            if self.ink_centre and len(lines) == 1:
                image, _ = _glyphs(s, prop, ppp, color)
                h, w = image.shape[:2]
                renderer.draw_image(gc, int(round(_left(x, w, ha))), int(round(y - h / 2)), image)
            else:
                size = prop.get_size_in_points() * ppp
                spacing = self.get_linespacing()
                pitch = (spacing if isinstance(spacing, (int, float)) else 1.2) * size
                ascent, descent = 0.76 * size, 0.24 * size  # DejaVu Sans
                height = (len(lines) - 1) * pitch + ascent + descent
                top = {"top": y, "bottom": y + height, "baseline": y + (len(lines) - 1) * pitch + ascent}.get(
                    va, y + height / 2)
                for j, line in enumerate(lines):
                    if line:
                        image, below = _glyphs(line, prop, ppp, color)
                        baseline = top - ascent - j * pitch
                        x0 = _left(x, image.shape[1], ha)
                        renderer.draw_image(gc, int(round(x0)), int(round(baseline - below)), image)
            gc.restore()
        self.stale = False


def _left(x: float, w: int, ha: str) -> float:
    return x - w / 2 if ha == "center" else x - w if ha == "right" else x


_GLYPHS: dict[tuple, tuple[np.ndarray, float]] = {}
_CACHED_LENGTH = 24  # longer strings (formulas, captions) change every frame: not worth keeping


def _has_glyphs(s: str, prop: Any) -> bool:
    font = get_font(findfont(prop))
    return all(ch == "\n" or font.get_char_index(ord(ch)) for ch in s)


def _glyphs(s: str, prop: Any, pixels_per_point: float, color: tuple) -> tuple[np.ndarray, float]:
    """The RGBA image of one line ``s`` (rows bottom first, as Agg draws them) and its pixels below the baseline."""
    path = findfont(prop)
    key = (s, path, prop.get_size_in_points(), pixels_per_point, color)
    found = _GLYPHS.get(key)
    if found is None:
        font = get_font(path)
        font.clear()
        font.set_size(prop.get_size_in_points(), 72 * pixels_per_point)
        font.set_text(s, 0, flags=get_hinting_flag())
        font.draw_glyphs_to_bitmap(antialiased=True)
        coverage = np.asarray(font.get_image())
        image = np.empty(coverage.shape + (4,), dtype=np.uint8)
        image[..., :3] = np.round(np.array(color[:3]) * 255).astype(np.uint8)
        image[..., 3] = np.round(coverage * color[3]).astype(np.uint8)
        found = (np.ascontiguousarray(image[::-1]), font.get_descent() / 64)
        if len(s) <= _CACHED_LENGTH:
            if len(_GLYPHS) > 20_000:  # bounded: a long session draws many distinct numbers
                _GLYPHS.clear()
            _GLYPHS[key] = found
    return found


def cell_text(ax: Axes, x: float, y: float, s: str, **kwargs: Any) -> CellText:
    """Add a :class:`CellText` to ``ax`` at data position ``(x, y)`` (like ``ax.text``, not clipped)."""
    kwargs.setdefault("transform", ax.transData)
    t = CellText(x, y, s, clip_on=False, **kwargs)
    ax.add_artist(t)
    return t


def figure_text(fig: Figure, x: float, y: float, s: str, **kwargs: Any) -> CellText:
    """Add a :class:`CellText` to ``fig`` at figure position ``(x, y)``, listed in ``fig.texts`` like ``fig.text``."""
    t = CellText(x, y, s, transform=fig.transSubfigure, **kwargs)
    t.set_figure(fig)
    t.stale_callback = _stale_figure_callback
    fig.texts.append(t)
    t._remove_method = fig.texts.remove
    fig.stale = True
    return t
