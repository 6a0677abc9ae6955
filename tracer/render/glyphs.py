"""Texts drawn from cached bitmaps: the Agg canvas every tracer figure is made with.

A grid redraws dozens of numbers a frame, and they repeat from frame to frame;
:meth:`matplotlib.text.Text.draw` rasterizes every glyph of every one of them
every time. The figures of :mod:`tracer.render` get a :class:`GlyphCanvas`, a
:class:`~matplotlib.backends.backend_agg.FigureCanvasAgg` whose
:class:`GlyphRenderer` draws each distinct short string once with the standard
:meth:`RendererAgg.draw_text <matplotlib.backends.backend_agg.RendererAgg.draw_text>`
into a small offscreen renderer, keeps the bitmap, and places it with
``draw_image``. Texts stay plain :class:`~matplotlib.text.Text` artists, laid
out by matplotlib; only the rasterizing of a line is cached.

The pixels of a line depend on where in its pixel it starts (matplotlib 3.11
places glyphs to 1/64 of a pixel; earlier versions round the line's position,
halves to even), so a bitmap is kept per position within a pair of pixels
and drawn at the whole pixels: a cached text has the pixels :meth:`Text.draw`
gives it. The cache is a pure function of what
a line shows (string, font, colour, position within two pixels, dpi), so frames
are byte-identical whatever was drawn before them. Other renderers (PDF, SVG),
rotated lines and mathtext are drawn by matplotlib as usual.

A long line (a caption, a formula) is different in every frame, but its words
repeat: it is drawn word by word, each word from the cache, starting where the
line's layout puts it (the advance of what precedes it, measured once per word
with the public ``get_text_width_height_descent``: see
:meth:`GlyphRenderer.word`), and it is measured from its words the same way.
matplotlib places each glyph of a line on its own 1/64 of a pixel, so each word
lands where ``draw_text`` of the whole line puts it: the tests check that the
pixels and the sizes are the same.

:func:`plain_text` turns the cache off, for comparisons::

    with glyphs.plain_text():
        fig.canvas.draw()   # every text rasterized by RendererAgg.draw_text

Notes
-----
A hit costs one ``draw_image`` of a few hundred pixels; a miss one offscreen
``draw_text`` more than matplotlib's own draw. Bitmaps take a few kB each; the
cache empties itself past :attr:`GlyphCache.max_bytes`.

Laying a text out (its lines, their sizes, where each starts against the
anchor) costs :meth:`Text.draw <matplotlib.text.Text.draw>` as much as drawing
it. The texts drawn in the axes of tracer's figures (indices, titles, and the
cell numbers, which :class:`tracer.render.grid.CellNumbers` draws through a
few of them) are :class:`GlyphText` artists, made by :func:`axes_text`: the layout of
each is found once per distinct text and style, by letting ``Text.draw`` lay it
out on a renderer that only notes where each line starts, and reused after
that. Each line then goes to the same ``draw_text`` at the same position as
``Text.draw`` sends it, so the pixels are those of a plain ``Text``. (The few
texts of the figure itself, header, caption and formula, change every frame:
they are plain texts, laid out by ``Text.draw`` each time, their long lines
measured and drawn from their words.)
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.text import Text
from matplotlib.transforms import Bbox, TransformedBbox, TransformedPath

__all__ = ["GLYPHS", "GlyphCache", "GlyphCanvas", "GlyphRenderer", "GlyphText", "WordMetrics", "axes_text",
           "plain_text"]


class GlyphCache:
    """The bitmaps of the short lines and words drawn so far, keyed by everything that decides their pixels.

    Parameters
    ----------
    max_length : int
        Longer lines (formulas, captions) change every frame: they are never
        kept whole, but drawn word by word, and their words kept.
    max_bytes : int
        The cache empties itself when its bitmaps would take more.

    Attributes
    ----------
    enabled : bool
        ``False`` draws every text with ``RendererAgg.draw_text`` (see :func:`plain_text`).
    hits, misses : int
        Lines drawn from a kept bitmap, and lines rasterized, since the cache was made.
    """

    def __init__(self, max_length: int = 24, max_bytes: int = 16 * 2**20):
        self.max_length = int(max_length)
        self.max_bytes = int(max_bytes)
        self.enabled = True
        self.hits = self.misses = 0
        self._bitmaps: dict[tuple, Any] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._bitmaps)

    def __repr__(self) -> str:
        return (f"<GlyphCache {'on' if self.enabled else 'off'}: {len(self)} bitmaps, "
                f"{self._bytes / 2**20:.1f} MB, {self.hits} hits, {self.misses} misses>")

    @property
    def nbytes(self) -> int:
        """Bytes taken by the kept bitmaps."""
        return self._bytes

    def clear(self) -> None:
        """Forget every bitmap."""
        self._bitmaps.clear()
        self._bytes = 0

    def lookup(self, key: tuple, make: Any) -> Any:
        """The bitmap kept for ``key``, or ``make()``'s, kept."""
        try:
            found = self._bitmaps[key]
        except KeyError:
            self.misses += 1
            found = make()
            size = found[0].nbytes if found else 0
            if self._bytes + size > self.max_bytes:
                self.clear()
            self._bitmaps[key] = found
            self._bytes += size
        else:
            self.hits += 1
        return found


#: The cache every :class:`GlyphRenderer` of the process shares.
GLYPHS = GlyphCache()


@contextmanager
def plain_text() -> Iterator[None]:
    """Within the block, texts are rasterized by matplotlib alone (``RendererAgg.draw_text``)."""
    before = GLYPHS.enabled
    GLYPHS.enabled = False
    try:
        yield
    finally:
        GLYPHS.enabled = before


class WordMetrics(NamedTuple):
    """Pixels from where a word starts: to the next glyph, to the glyph after a space, and its ink.

    ``left`` and ``right`` are the ink's edges from a common origin (a bar's
    ink, see :meth:`GlyphRenderer.word`), so only differences of them mean
    anything; ``top`` is the ink above the baseline, ``descent`` below it.
    """

    advance: float
    spaced: float
    left: float
    right: float
    top: float
    descent: float


_WORDS: dict[tuple, WordMetrics] = {}  # GlyphRenderer.word, per word, font and dpi
_BARS: dict[tuple, tuple[float, float]] = {}  # widths of "|" and "||" per font and dpi, what words are measured against

_MARGIN = 4  # pixels of the offscreen renderer around a line's extent


def _font_key(prop: Any) -> tuple:
    """What of a :class:`~matplotlib.font_manager.FontProperties` decides the glyphs drawn."""
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
            prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily())


def _shaped(mtext: Any) -> bool:
    """Whether a text asks for font features or a language (matplotlib >= 3.11): left to matplotlib."""
    features = getattr(mtext, "get_fontfeatures", None)
    language = getattr(mtext, "get_language", None)
    return bool((features and features()) or (language and language()))


class GlyphRenderer(RendererAgg):
    """A :class:`~matplotlib.backends.backend_agg.RendererAgg` drawing lines from :data:`GLYPHS`, long ones by words."""

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False,
                  mtext: Any = None) -> None:
        cache = GLYPHS
        if ismath or angle or not cache.enabled or _shaped(mtext):
            super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            return
        if len(s) > cache.max_length:
            if " " in s:
                self._draw_words(gc, x, y, s, prop)
            else:
                super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            return
        # (x, y) starts the baseline, y counted down from the top. matplotlib places glyphs to 1/64 px
        # (3.11) or rounds the line's position (earlier versions, rounding halves to even): the pixels
        # depend on where in its pixel, and on which parity of pixel, a line starts
        ix, iy = math.floor(x), math.floor(y)
        phase = (ix % 2 + (x - ix), iy % 2 + (y - iy))
        key = (s, _font_key(prop), gc.get_rgb(), gc.get_alpha(), gc.get_forced_alpha(), gc.get_antialiased(),
               self.dpi, phase)
        found = cache.lookup(key, lambda: self._rasterize(gc, s, prop, *phase))
        if found is False:
            super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            return
        if found is None:
            return
        image, left, top = found
        gc_image = self.new_gc()
        gc_image.copy_properties(gc)  # the clip of the text
        gc_image.set_alpha(1.0)  # the bitmap holds the text's alpha already
        self.draw_image(gc_image, ix - ix % 2 + left, self.height - (iy - iy % 2 + top + image.shape[0]), image)
        gc_image.restore()

    def _draw_words(self, gc: Any, x: float, y: float, s: str, prop: Any) -> None:
        """A long line drawn word by word, each word from the cache where the line places it.

        A caption or a formula differs from frame to frame, but its words
        repeat. Each word starts where the line's glyphs put it: ``x`` plus the
        advance of the words and spaces before it (:meth:`word`), so its glyphs
        land on the 1/64 pixel where ``RendererAgg.draw_text`` of the whole
        line puts them.
        """
        start = 0.0
        for word in s.split(" "):
            if word:
                self.draw_text(gc, x + start, y, word, prop, 0)  # a word too long for the cache goes to matplotlib
            start += self.word(word, prop).spaced

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        """As ``RendererAgg``'s; a long line is measured from its words (:meth:`word`), as :meth:`draw_text` draws it.

        FreeType measures the ink of a line, its spaces counting as ink one
        advance wide: the union of the words' ink and the spaces' boxes, each
        where the line's layout places it.
        """
        if (ismath or not GLYPHS.enabled or len(s) <= GLYPHS.max_length or " " not in s
                or not s.strip(" ")):
            return super().get_text_width_height_descent(s, prop, ismath)
        left, right, top, descent = math.inf, -math.inf, 0.0, 0.0
        words = s.split(" ")
        start = 0.0
        for j, word in enumerate(words):
            m = self.word(word, prop)
            if word:
                left, right = min(left, start + m.left), max(right, start + m.right)
                top, descent = max(top, m.top), max(descent, m.descent)
            if j + 1 < len(words):  # the space after it
                left, right = min(left, start + m.advance), max(right, start + m.spaced)
            start += m.spaced
        return right - left, top + descent, descent

    def word(self, word: str, prop: Any) -> WordMetrics:
        """Where ``word`` puts the next glyph and its ink, in pixels from where it starts (kept per word and font).

        :meth:`~matplotlib.backends.backend_agg.RendererAgg.get_text_width_height_descent`
        measures ink, from the left edge of the first glyph to the right edge
        of the last, so the word is measured between bars: ``|word|`` is as
        wide as ``||`` plus the word's advance, and ``|word`` places the right
        edge of its ink. (DejaVu Sans kerns no pair with a bar; the tests
        compare lines drawn and measured this way with matplotlib's.)
        """
        font = (_font_key(prop), self.dpi)
        key = (word, *font)
        found = _WORDS.get(key)
        if found is None:
            def measure(t: str) -> tuple[float, float, float]:
                return RendererAgg.get_text_width_height_descent(self, t, prop, False)

            bar, bars = _BARS.get(font) or _BARS.setdefault(font, (measure("|")[0], measure("||")[0]))
            advance = measure("|" + word + "|")[0] - bars if word else 0.0
            spaced = measure("|" + word + " |")[0] - bars
            if word:
                width, height, descent = measure(word)
                right = measure("|" + word)[0] - (bars - bar)  # from the left edge of the bar's ink, as is left
                found = WordMetrics(advance, spaced, right - width, right, height - descent, descent)
            else:
                found = WordMetrics(0.0, spaced, 0.0, 0.0, 0.0, 0.0)
            if len(_WORDS) > 50_000:  # bounded, like the bitmaps
                _WORDS.clear()
            _WORDS[key] = found
        return found

    def _rasterize(self, gc: Any, s: str, prop: Any, px: float, py: float) -> Any:
        """``(rgba, left, top)``: the ink of ``s``, its baseline starting ``(px, py)`` pixels from an even pixel.

        ``rgba`` has its rows bottom first, as ``draw_image`` takes them;
        ``left`` and ``top`` place its top-left pixel from that even pixel
        (pixels right, and down). ``None`` for a line without ink.
        """
        # room for any line of len(s) glyphs (an em wide at most, ascent and descent within 1.5 em),
        # without measuring it: measuring lays the line out once more
        em = prop.get_size_in_points() * self.dpi / 72
        x0 = _MARGIN  # even, like y0: the line starts at the phase it has on the frame
        y0 = _MARGIN + 2 * math.ceil(em * 0.75)
        offscreen = RendererAgg(x0 + math.ceil(em * (len(s) + 1)) + _MARGIN, y0 + math.ceil(em) + _MARGIN, self.dpi)
        gc_off = offscreen.new_gc()
        gc_off.copy_properties(gc)
        gc_off.set_clip_rectangle(None)
        gc_off.set_clip_path(None)
        RendererAgg.draw_text(offscreen, gc_off, x0 + px, y0 + py, s, prop, 0)
        gc_off.restore()
        rgba = np.asarray(offscreen.buffer_rgba())
        ink = rgba[..., 3] > 0
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if rows.size == 0:
            return None
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        if r0 == 0 or c0 == 0 or r1 == rgba.shape[0] or c1 == rgba.shape[1]:
            return False  # ink beyond the room allowed (an unusual font): drawn by matplotlib each time
        return np.ascontiguousarray(rgba[r0:r1, c0:c1][::-1]), int(c0 - x0), int(r0 - y0)


class GlyphCanvas(FigureCanvasAgg):
    """A :class:`~matplotlib.backends.backend_agg.FigureCanvasAgg` that draws with a :class:`GlyphRenderer`."""

    def get_renderer(self) -> GlyphRenderer:
        w, h = self.get_width_height(physical=True)
        key = (w, h, self.figure.dpi)
        if getattr(self, "glyph_renderer_key", None) != key:
            self.renderer = GlyphRenderer(w, h, self.figure.dpi)
            self.glyph_renderer_key = key
        return self.renderer


# ------------------------------------------------------------------------------------------------
# Texts whose layout is found once


class _LayoutProbe(RendererAgg):
    """A renderer that draws nothing and notes where :meth:`Text.draw` starts each line of a text."""

    def __init__(self, dpi: float):
        super().__init__(1, 1, dpi)
        self.lines: list[tuple[float, float, str, Any]] = []

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False,
                  mtext: Any = None) -> None:
        self.lines.append((x, y, s, ismath))


_PROBES: dict[float, _LayoutProbe] = {}
_LAYOUTS: dict[tuple, tuple[tuple[float, float, str, Any], ...]] = {}


class GlyphText(Text):
    """A :class:`~matplotlib.text.Text` laid out once per distinct text and style.

    Drawn on a :class:`GlyphRenderer`, an unrotated, unclipped text without a
    box or path effects reuses the layout found the first time (see the module's
    notes); any other text, or any other renderer, is drawn by ``Text.draw``.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        self._line_alignment = kwargs.get("multialignment", kwargs.get("ma"))
        super().__init__(*args, **kwargs)

    def set_multialignment(self, align: Any) -> None:
        """As ``Text.set_multialignment``; the layout kept for a text depends on it."""
        super().set_multialignment(align)
        self._line_alignment = align

    def _layout_key(self, dpi: float) -> tuple:
        return (self.get_text(), _font_key(self.get_fontproperties()), self.get_horizontalalignment(),
                self.get_verticalalignment(), self._line_alignment, self.get_linespacing(),
                self.get_parse_math(), dpi)

    def _layout(self, dpi: float, x: float, y: float) -> tuple[tuple[float, float, str, Any], ...]:
        """``(dx, dy, line, ismath)`` of every line: where it starts against the anchor, in display pixels."""
        key = self._layout_key(dpi)
        found = _LAYOUTS.get(key)
        if found is None:
            probe = _PROBES.setdefault(dpi, _LayoutProbe(dpi))
            probe.lines = []
            Text.draw(self, probe)
            # the probe's canvas is 1 pixel high: Text.draw sent y as 1 - y
            found = tuple((lx - x, (1 - ly) - y, line, ismath) for lx, ly, line, ismath in probe.lines)
            if len(_LAYOUTS) > 50_000:  # bounded, like the bitmaps
                _LAYOUTS.clear()
            _LAYOUTS[key] = found
        return found

    def _reusable(self, renderer: Any) -> bool:
        return (isinstance(renderer, GlyphRenderer) and GLYPHS.enabled and not self.get_rotation()
                and not self.get_transform_rotates_text() and not self.get_clip_on() and not self.get_usetex()
                and not self.get_wrap() and self.get_bbox_patch() is None and not self.get_path_effects())

    def draw(self, renderer: Any) -> None:
        if not self._reusable(renderer):
            super().draw(renderer)
            return
        if not self.get_visible() or self.get_text() == "":
            return
        x, y = self.get_transform().transform(self.get_unitless_position())
        if not (np.isfinite(x) and np.isfinite(y)):
            return
        lines = self._layout(renderer.dpi, float(x), float(y))
        _, canvas_h = renderer.get_canvas_width_height()
        gc = renderer.new_gc()
        gc.set_foreground(to_rgba(self.get_color()), isRGBA=True)
        gc.set_alpha(self.get_alpha())
        gc.set_url(self.get_url())
        gc.set_antialiased(self.get_antialiased())
        gc.set_snap(self.get_snap())
        gc.set_clip_rectangle(None)
        gc.set_clip_path(None)
        mtext = self if len(lines) == 1 else None
        prop = self.get_fontproperties()
        for dx, dy, line, ismath in lines:
            renderer.draw_text(gc, x + dx, canvas_h - (y + dy), line, prop, 0, ismath=ismath, mtext=mtext)
        gc.restore()
        self.stale = False


def axes_text(ax: Axes, x: float, y: float, s: str, **kwargs: Any) -> GlyphText:
    """Like ``ax.text``: a :class:`GlyphText` at data position ``(x, y)``, not clipped unless asked."""
    kwargs.setdefault("transform", ax.transData)
    kwargs.setdefault("clip_on", False)
    text = GlyphText(x, y, s, **kwargs)
    if text.get_clip_path() is not None or text.get_clip_box() is not None:
        ax.add_artist(text)
        return text
    # add_artist clips a text to the axes' rectangle (``set_clip_path(ax.patch)``), a new box and transform per
    # text, which costs more than the text: the same clip box, one per axes, shared by its texts
    box, path = _axes_clip(ax)
    text.set_clip_path(path)  # so that add_artist leaves the clip alone
    ax.add_artist(text)
    text.set_clip_path(None)
    text.set_clip_box(box)
    return text


_CLIPS: weakref.WeakKeyDictionary[Axes, tuple[TransformedBbox, TransformedPath]] = weakref.WeakKeyDictionary()


def _axes_clip(ax: Axes) -> tuple[TransformedBbox, TransformedPath]:
    """The clip box ``set_clip_path(ax.patch)`` sets, and the patch's outline, made once per axes."""
    found = _CLIPS.get(ax)
    if found is None:
        transform = ax.patch.get_transform()
        found = _CLIPS[ax] = (TransformedBbox(Bbox.unit(), transform), TransformedPath(ax.patch.get_path(), transform))
    return found

