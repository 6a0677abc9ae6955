"""The drawings of each kind of trace event: grids of numbers, outlines and a formula.

A *scene* draws one step of a call on a :class:`matplotlib.figure.Figure` and
keeps its artists, so that the next step of the same call only updates them
(``set_data``, ``set_text``, ``set_xy``) instead of drawing a new figure.
Scenes read what the trace recorded (the event, the call's stored arrays and
the replayed state); the only arithmetic they do is for display (the
element-wise products shown beside a window, the mask of a window).

Colours: value tints from a light blue-red diverging map (readable by
colour-blind readers: blue and red stay apart under every common deficiency),
marks from the Okabe-Ito palette, and dark outlines for the current window and
cell. Every figure has an opaque white card, so it reads the same on a light
and on a dark page.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure, _stale_figure_callback
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import offset_copy
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.font_manager import findfont, get_font
from matplotlib import colormaps

from .. import events as ev
from ..conv import padded_input
from ..numbers import cell, number
from ..recording import Call

__all__ = [
    "Grid",
    "Panel",
    "Scene",
    "PadScene",
    "ConvWindowScene",
    "SingleStepScene",
    "PoolWindowScene",
    "MaskScene",
    "DistributeScene",
    "ConvBackScene",
    "PoolBackScene",
    "FIG_WIDTH",
    "HEADER",
    "FOOTER",
    "ROW_HEIGHT",
    "figure_height",
    "fmt",
]

# -- palette (Okabe-Ito for marks) ---------------------------------------------------------------
CARD = "#ffffff"  # opaque figure background
INK = "#1b1b1b"  # text and the current window / cell outline
MUTED = "#5f5f5f"  # secondary text (indices, padding zeros)
GRID_LINE = "#b8b8b8"
PAD_FILL = "#dcdcdc"  # padding cells
EMPTY_FILL = "#ffffff"  # cells not written yet
CURRENT_FILL = "#F0E442"  # Okabe-Ito yellow: the output cell being written
CHOSEN = "#009E73"  # Okabe-Ito bluish green: the chosen maximum, the mask, where a gradient goes
CHOSEN_FILL = "#9fdcc6"
ADDED = "#0072B2"  # Okabe-Ito blue: cells a backward step adds to
ADDED_FILL = "#bcd9ee"
CMAP = colormaps["RdBu_r"]
TINT = 0.4  # how much white is mixed into value colours when numbers are written on them

# -- geometry (inches) ---------------------------------------------------------------------------
FIG_WIDTH = 10.0
HEADER = 0.45  # the title line
NOTE = 0.55  # the formula line of a scene
NOTE_WIDTH = 110  # characters per line of it in a figure FIG_WIDTH wide
MIN_WIDTH = 7.5  # the narrowest figure: room for a formula line and a caption
FOOTER = 0.55  # the caption (two lines)
ROW_HEIGHT = 3.5  # one row of grids, with their titles and index labels
SIDE = 0.3
MAX_CELL = 0.46  # the largest cell drawn
MIN_NUMBER_CELL_PT = 22.0  # smaller cells get a colour scale instead of numbers


def figure_height(rows: int, row_height: float = ROW_HEIGHT) -> float:
    """Height in inches of a figure whose scenes use ``rows`` rows of grids ``row_height`` high."""
    return HEADER + rows * row_height + NOTE + FOOTER


def fmt(v: float) -> str:
    """A cell's number: at most 5 characters for the values a lesson shows (:func:`tracer.numbers.cell`)."""
    return cell(v, width=5)


def fmt_long(v: float) -> str:
    """A number in a formula line (:func:`tracer.numbers.number`, 4 digits)."""
    return number(v, digits=4)


def _vmax(*arrays: np.ndarray) -> float:
    """The colour range ``[-vmax, vmax]`` that covers every finite value of ``arrays``."""
    m = 0.0
    for a in arrays:
        a = np.asarray(a, dtype=float)
        finite = a[np.isfinite(a)]
        if finite.size:
            m = max(m, float(np.max(np.abs(finite))))
    return m if m > 0 else 1.0


# ------------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Panel:
    """A grid to place: its key, its size in cells, and the symbol drawn after it."""

    key: str
    n_rows: int
    n_cols: int
    after: str = ""


def place_panels(fig: Figure, panels: Sequence[Panel], row: int, n_rows_fig: int) -> dict[str, tuple[Axes, float]]:
    """Lay ``panels`` out left to right in row ``row`` (0 = top) of the scene area.

    Small grids keep readable cells (up to ``MAX_CELL`` inches); when the row is
    too narrow, the widest grids shrink first (water filling).

    Returns
    -------
    dict of str to (Axes, float)
        Each panel's axes and its cell size in inches.
    """
    W, H = fig.get_size_inches()
    row_h = (H - HEADER - NOTE - FOOTER) / n_rows_fig
    gaps = [_gap(p.after) for p in panels[:-1]]
    band_top = H - HEADER - row * row_h - 0.45  # room for the title and column indices
    band_h = row_h - 0.75
    avail = W - 2 * SIDE - sum(gaps)
    uniform = min(MAX_CELL, avail / sum(p.n_cols for p in panels), band_h / max(p.n_rows for p in panels))
    desired = [p.n_cols * MAX_CELL for p in panels]
    if uniform * 72 >= MIN_NUMBER_CELL_PT:
        cap = max(p.n_cols for p in panels) * uniform  # every grid with the same cell size
        desired = [p.n_cols * uniform for p in panels]
    else:
        # water filling: the widest grids shrink first, to the cap L with sum(min(d, L)) = avail
        cap = max(desired)
        ds = sorted(desired)
        rest = avail
        for j, d in enumerate(ds):
            share = rest / (len(ds) - j)
            if d <= share:
                rest -= d
            else:
                cap = share
                break
    out = {}
    widths, cells = [], []
    for p, d in zip(panels, desired):
        w = min(d, cap)
        cell = min(w / p.n_cols, band_h / p.n_rows)
        widths.append(cell * p.n_cols)
        cells.append(cell)
    total = sum(widths) + sum(gaps)
    x = (W - total) / 2
    mid = band_top - band_h / 2
    for j, (p, w, cell) in enumerate(zip(panels, widths, cells)):
        h = cell * p.n_rows
        ax = fig.add_axes((x / W, (mid - h / 2) / H, w / W, h / H))
        out[p.key] = (ax, cell)
        if j < len(gaps):
            if p.after:
                # centred in the gap, less the room the next grid's row indices take
                figure_text(fig, (x + w + (gaps[j] - 0.14) / 2) / W, mid / H, p.after, ha="center", va="center",
                         fontsize=16 if len(p.after) <= 2 else 12, color=INK)
            x += w + gaps[j]
    return out


def _gap(after: str) -> float:
    """Inches between two grids: room for the operator drawn between them and the row indices."""
    return 0.36 + 0.11 * len(after) if after else 0.36


class Grid:
    """A 2-D array drawn as cells, with numbers when they fit and a colour scale when not.

    Setters change an artist only when what it shows changes, so that a
    renderer can redraw just the artists left stale (see :class:`tracer.render.Renderer`).

    Parameters
    ----------
    ax : Axes
        Where to draw (its axis lines and ticks are turned off; row and column
        indices are plain texts).
    shape : tuple of int
        ``(n_rows, n_cols)``.
    cell_in : float
        Cell size in inches (from :func:`place_panels`): numbers are written
        when a cell is at least ``MIN_NUMBER_CELL_PT`` points wide.
    vmax : float
        Colours span ``[-vmax, vmax]``.
    title : str
        Shown above the grid.
    """

    def __init__(self, ax: Axes, shape: tuple[int, int], cell_in: float, vmax: float, title: str, *,
                 reveal: bool = False):
        self.ax = ax
        self.shape = n_rows, n_cols = shape
        cell_pt = cell_in * 72
        self.numbers = cell_pt >= MIN_NUMBER_CELL_PT
        self.fontsize = float(np.clip(cell_pt * 0.3, 6.5, 11))
        self.norm = Normalize(-vmax, vmax)
        ax.set_xlim(-0.5, n_cols - 0.5)
        ax.set_ylim(n_rows - 0.5, -0.5)
        ax.set_axis_off()
        fig = ax.get_figure()
        self.artists: list[Artist] = []
        # row and column indices, every one on small grids, every 5th on big ones
        step = 1 if max(shape) <= 16 else 5
        index_kw = dict(fontsize=7, color=MUTED)
        above = offset_copy(ax.transData, fig=fig, x=0, y=3, units="points")
        left = offset_copy(ax.transData, fig=fig, x=-3, y=0, units="points")
        for c in range(0, n_cols, step):
            self.artists.append(cell_text(ax, c, -0.5, str(c), ha="center", va="bottom", transform=above, **index_kw))
        for r in range(0, n_rows, step):
            self.artists.append(cell_text(ax, -0.5, r, str(r), ha="right", va="center", transform=left, **index_kw))
        for t in self.artists:
            t._outside = True  # type: ignore[attr-defined]  # drawn beside the cells, never over them
        title_at = offset_copy(ax.transAxes, fig=fig, x=0, y=14, units="points")
        self.title = cell_text(ax, 0.5, 1.0, title, ha="center", va="bottom", fontsize=10, color=INK,
                               transform=title_at, linespacing=1.15)
        self.title._outside = True  # type: ignore[attr-defined]
        self.rgba = np.ones((n_rows, n_cols, 4))
        self.image = ax.imshow(self.rgba, extent=(-0.5, n_cols - 0.5, n_rows - 0.5, -0.5),
                               interpolation="nearest", aspect="auto", zorder=0)
        segs = [[(x - 0.5, -0.5), (x - 0.5, n_rows - 0.5)] for x in range(n_cols + 1)]
        segs += [[(-0.5, y - 0.5), (n_cols - 0.5, y - 0.5)] for y in range(n_rows + 1)]
        lw = 0.8 if self.numbers else (0.4 if max(shape) <= 32 else 0.0)
        self.lines = ax.add_collection(LineCollection(segs, colors=GRID_LINE, linewidths=lw, zorder=1),
                                       autolim=False)
        self.lines.set_clip_on(False)
        self.texts: list[list[Any]] = []
        self._shown: list[list[tuple]] = []
        if self.numbers:
            self.texts = [
                [cell_text(ax, c, r, "", ha="center", va="center", fontsize=self.fontsize, color=INK, zorder=3,
                           ink_centre=True)
                 for c in range(n_cols)]
                for r in range(n_rows)
            ]
            self._shown = [[("", INK, "normal")] * n_cols for _ in range(n_rows)]
        self.colorbar = None
        self.artists += [self.title, self.image, self.lines] + [t for row in self.texts for t in row]
        self.cover = self.current_text = None
        if reveal:
            # the cells not written yet are hidden under a cover, the current one is lit on it
            self._cover = np.zeros((n_rows, n_cols, 4))
            self.cover = ax.imshow(self._cover, extent=(-0.5, n_cols - 0.5, n_rows - 0.5, -0.5),
                                   interpolation="nearest", aspect="auto", zorder=3.5)
            self.lines.set_zorder(3.6)
            self.current_text = cell_text(ax, 0, 0, "", ha="center", va="center", fontsize=self.fontsize,
                                          color=INK, zorder=3.7, ink_centre=True)
            self.artists += [self.cover, self.current_text]

    def __repr__(self) -> str:
        what = "numbers" if self.numbers else "colour scale"
        return f"<Grid {self.shape[0]}x{self.shape[1]} {self.title.get_text()!r}, {what}>"

    def add_colorbar(self, fig: Figure) -> None:
        """A horizontal colour scale under the grid (used when the numbers do not fit)."""
        if self.numbers:
            return
        pos = self.ax.get_position()
        W, H = fig.get_size_inches()
        cax = fig.add_axes((pos.x0, pos.y0 - 0.22 / H, pos.width, 0.09 / H))
        sm = ScalarMappable(self.norm, CMAP)
        self.colorbar = fig.colorbar(sm, cax=cax, orientation="horizontal")
        self.colorbar.outline.set_visible(False)
        cax.tick_params(labelsize=7, colors=MUTED, length=2)

    def set_values(
        self,
        values: np.ndarray,
        *,
        pad: int = 0,
        fills: dict[tuple[int, int], str] | None = None,
        bold: set[tuple[int, int]] | frozenset = frozenset(),
        labels: np.ndarray | None = None,
    ) -> None:
        """Colour the cells by ``values`` (NaN = not written yet: white, no number).

        ``pad`` cells on each side are padding: grey, their zeros in grey.
        ``fills`` overrides the colour of some cells; ``bold`` cells have bold
        numbers; ``labels`` replaces the numbers by strings.
        """
        values = np.asarray(values, dtype=float)
        if values.shape != self.shape:
            raise ValueError(f"Grid.set_values: values must have shape {self.shape}, got {values.shape}")
        nan = ~np.isfinite(values)
        if self.numbers:
            # the middle of the map, lightened: dark numbers stay readable on every cell
            rgba = CMAP(0.5 + 0.36 * (2 * np.clip(self.norm(np.where(nan, 0.0, values)), 0, 1) - 1))
            rgba[..., :3] = rgba[..., :3] * (1 - TINT) + TINT
        else:
            rgba = CMAP(self.norm(np.where(nan, 0.0, values)))
        rgba[nan] = to_rgba(EMPTY_FILL)
        padded = np.zeros(self.shape, dtype=bool)
        if pad:
            padded[:, :] = True
            padded[pad:-pad, pad:-pad] = False
            rgba[padded] = to_rgba(PAD_FILL)
        for (r, c), color in (fills or {}).items():
            rgba[r, c] = to_rgba(color)
        if not np.array_equal(rgba, self.rgba):
            self.rgba = rgba
            self.image.set_data(rgba)
        if not self.numbers:
            return
        for r in range(self.shape[0]):
            row, shown = self.texts[r], self._shown[r]
            for c in range(self.shape[1]):
                want = (
                    labels[r, c] if labels is not None else "0" if padded[r, c] else fmt(values[r, c]),
                    MUTED if padded[r, c] else INK,
                    "bold" if (r, c) in bold else "normal",
                )
                if want != shown[c]:
                    t = row[c]
                    t.set_text(want[0])
                    if want[1] != shown[c][1]:
                        t.set_color(want[1])
                    if want[2] != shown[c][2]:
                        t.set_fontweight(want[2])
                    shown[c] = want

    def reveal(self, written: np.ndarray, current: tuple[int, int] | None = None, fill: str = CURRENT_FILL) -> None:
        """Show only the ``written`` cells of the values set with :meth:`set_values`.

        For a grid made with ``reveal=True`` that holds its final values: the
        other cells are covered (white, no number), and ``current`` is filled
        with ``fill`` under its number. Only the cover changes from step to
        step, so a renderer redraws it and one number instead of the whole grid.
        """
        cover = np.zeros(self.shape + (4,))
        cover[~np.asarray(written, dtype=bool)] = to_rgba(EMPTY_FILL)
        label = ""
        if current is not None:
            r, c = current
            cover[r, c] = to_rgba(fill)
            label = self._shown[r][c][0] if self.numbers else ""
            if self.current_text.get_position() != (c, r):
                self.current_text.set_position((c, r))
        if not np.array_equal(cover, self._cover):
            self._cover = cover
            self.cover.set_data(cover)
        self.current_text.set_text(label)

    def box(self, color: str = INK, lw: float = 3.0, ls: str = "-", inset: float = 0.0, z: float = 4) -> Rectangle:
        """An outline (initially over cell (0, 0)); move it with :meth:`move_box`."""
        rect = Rectangle((-0.5 + inset, -0.5 + inset), 1 - 2 * inset, 1 - 2 * inset, fill=False, ec=color, lw=lw,
                         ls=ls, zorder=z, joinstyle="miter")
        rect._inset = inset  # type: ignore[attr-defined]
        rect.set_clip_on(False)
        self.ax.add_patch(rect)
        self.artists.append(rect)
        return rect

    @staticmethod
    def move_box(rect: Rectangle, r0: int, r1: int, c0: int, c1: int) -> None:
        """Place ``rect`` around rows ``r0:r1`` and columns ``c0:c1`` (untouched if already there)."""
        inset = rect._inset  # type: ignore[attr-defined]
        xy = (c0 - 0.5 + inset, r0 - 0.5 + inset)
        w, h = c1 - c0 - 2 * inset, r1 - r0 - 2 * inset
        if rect.get_xy() != xy or rect.get_width() != w or rect.get_height() != h:
            rect.set_xy(xy)
            rect.set_width(w)
            rect.set_height(h)


# ------------------------------------------------------------------------------------------------


class Scene:
    """Draws the steps of one call on a figure and updates its artists from step to step.

    Subclasses build their grids in :meth:`build` and fill them in :meth:`update`.
    A scene is a drawer: ``Scene(fig, event, call, state, channel=0)`` draws the
    step and ``scene.artists`` lists what it made.

    Parameters
    ----------
    fig : Figure
        A figure from :func:`tracer.render.new_figure`: up to ``FIG_WIDTH`` wide and
        ``figure_height(rows)`` high.
    event : Event
        The step to draw.
    call : Call
        The recorded call the event belongs to (its stored arrays).
    state : dict of str to ndarray
        The call's arrays after the event (``Trace.replay`` / ``Trace.states``).
    channel : int
        The input channel shown for convolutions (pooling shows the event's own channel).
    """

    rows: ClassVar[int] = 1
    events: ClassVar[tuple[type, ...]] = ()

    def __init__(self, fig: Figure, event: ev.Event, call: Call, state: dict[str, np.ndarray], *, channel: int = 0):
        self.fig = fig
        self.call = call
        self.channel = channel
        self.artists: list[Artist] = []
        _, H = fig.get_size_inches()
        self.note = figure_text(fig, 0.5, (FOOTER + NOTE / 2) / H, "", ha="center", va="center", fontsize=11,
                                color=INK)
        self._grids: list[Grid] = []
        #: artists expected to change from step to step: a renderer leaves them out of its cached background
        self.moving: list[Artist] = [self.note]
        #: shown before the step counter, e.g. which channel is drawn
        self.header_note = ""
        n_in = _input_channels(call)
        if n_in > 1 and isinstance(self, (ConvWindowScene, SingleStepScene, ConvBackScene, PadScene)):
            self.header_note = f"channel {channel} of {n_in} shown" + (
                "" if isinstance(self, PadScene) else f" (sums over all {n_in})")
        self.build(event, state)
        self.artists += [a for g in self._grids for a in g.artists]
        self.artists.append(self.note)
        self.update(event, state)

    def build(self, event: ev.Event, state: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    def update(self, event: ev.Event, state: dict[str, np.ndarray]) -> list[Artist]:
        """Show ``event`` with the arrays ``state``; return the artists that changed."""
        raise NotImplementedError

    def __repr__(self) -> str:
        grids = ", ".join(f"{key} {g.shape[0]}x{g.shape[1]}" for key, g in getattr(self, "g", {}).items())
        return f"<{type(self).__name__} of {self.call.name}: {grids}; {len(self.artists)} artists>"

    def set_note(self, text: str) -> None:
        """The formula line under the grids (wrapped to two lines when long)."""
        width = int(NOTE_WIDTH * self.fig.get_size_inches()[0] / FIG_WIDTH)
        self.note.set_text("\n".join(textwrap.fill(line, width, break_long_words=False) for line in text.split("\n")))

    def changed(self) -> list[Artist]:
        """The artists changed since they were last drawn (matplotlib marks them stale)."""
        return [a for a in self.artists if a.stale]

    def accepts(self, event: ev.Event, call: Call) -> bool:
        """Whether :meth:`update` can draw ``event`` (same call, a kind this scene draws)."""
        return call is self.call and isinstance(event, self.events)

    def grids(self, panels: Sequence[Panel], titles: dict[str, str], vmax: dict[str, float], row: int = 0,
              reveal: Sequence[str] = ()) -> dict[str, Grid]:
        placed = place_panels(self.fig, panels, row, self.rows)
        out = {}
        for p in panels:
            ax, cell = placed[p.key]
            g = Grid(ax, (p.n_rows, p.n_cols), cell, vmax[p.key], titles[p.key], reveal=p.key in reveal)
            g.add_colorbar(self.fig)
            out[p.key] = g
            self._grids.append(g)
        return out


def _shape(shape: tuple[int, ...]) -> str:
    """A shape that a wrapped line never splits (no-break spaces)."""
    return str(tuple(shape)).replace(", ", ",\u00a0")


def _input_channels(call: Call) -> int:
    a = call.arrays
    if "A_prev" in a:
        return int(a["A_prev"].shape[3])
    if "X" in a:
        return int(a["X"].shape[3])
    if "a_slice_prev" in a:
        return int(a["a_slice_prev"].shape[2])
    return 1


def _cell_fill(h: int, w: int) -> dict[tuple[int, int], str]:
    return {(h, w): CURRENT_FILL}


class PadScene(Scene):
    """``zero_pad`` (or the padding step of ``conv_forward``): the original cells and the added zeros."""

    events = (ev.Pad,)

    def build(self, event: ev.Pad, state: dict[str, np.ndarray]) -> None:
        a = self.call.arrays
        self.src_name, self.dst_name = ("X", "X_pad") if "X" in a else ("A_prev", "A_prev_pad")
        X = a[self.src_name]
        p = event.pad
        n_H, n_W = X.shape[1:3]
        ch = self.channel
        vmax = _vmax(X[0, :, :, ch])
        self.g = self.grids(
            [Panel("src", n_H, n_W, "→"), Panel("dst", n_H + 2 * p, n_W + 2 * p)],
            {"src": f"{self.src_name}[0, :, :, {ch}]", "dst": f"{self.dst_name}[0, :, :, {ch}]"},
            {"src": vmax, "dst": vmax},
        )
        self.frame = self.g["dst"].box(color=INK, lw=2.0, ls="--")
        Grid.move_box(self.frame, p, p + n_H, p, p + n_W)

    def update(self, event: ev.Pad, state: dict[str, np.ndarray]) -> list[Artist]:
        X = self.call.arrays[self.src_name]
        ch, p = self.channel, event.pad
        self.g["src"].set_values(X[0, :, :, ch])
        self.g["dst"].set_values(state[self.dst_name][0, :, :, ch], pad=p)
        m, n_H, n_W, n_C = X.shape
        shown = f"example 0 of {m}, channel {ch} of {n_C}" if m > 1 or n_C > 1 else "the only example and channel"
        self.set_note(
            f"pad = {p}: {p} {'row and column' if p == 1 else 'rows and columns'} of zeros (grey) on every side\n"
            f"{_shape(X.shape)} → {_shape((m, n_H + 2 * p, n_W + 2 * p, n_C))};  {shown}"
        )
        return self.changed()


def _channel_sums(a_slice: np.ndarray, W_c: np.ndarray) -> np.ndarray:
    """Sum of the element-wise products per input channel (display only): shape (n_C_prev,)."""
    return np.sum(a_slice * W_c, axis=(0, 1))


def _formula(sums: np.ndarray, ch: int, bias: float, value: float, target: str, n_products: int) -> str:
    """``Σ products = s  (+ the other channels) + b = value → target``."""
    n = len(sums)
    if n == 1:
        head = f"Σ of the {n_products} products = {fmt_long(sums[0])}"
    elif n <= 4:
        terms = " + ".join(f"({fmt_long(s)})" if s < 0 else fmt_long(s) for s in sums)
        head = f"Σ channel {ch} = {fmt_long(sums[ch])};  Σ over the {n} input channels: {terms}"
    else:
        head = f"Σ channel {ch} = {fmt_long(sums[ch])};  Σ over the {n} input channels = {fmt_long(np.sum(sums))}"
    sep = "\n" if n > 1 else "  "
    return f"{head}{sep}+ b = {fmt_long(bias)}  →  {target} = {fmt_long(value)}"


class ConvWindowScene(Scene):
    """``conv_forward``: the window, the filter, their products, the sum plus the bias, the output."""

    events = (ev.ConvWindow,)

    def build(self, event: ev.ConvWindow, state: dict[str, np.ndarray]) -> None:
        a = self.call.arrays
        f = a["W"].shape[0]
        _, n_Hp, n_Wp, _ = state["A_prev_pad"].shape
        n_H, n_W = self.call.result["Z"].shape[1:3]
        ch = self.channel
        v_in = _vmax(a["A_prev"][..., ch])
        v_w = _vmax(a["W"][:, :, ch])
        self.g = self.grids(
            [Panel("x", n_Hp, n_Wp, "×"), Panel("w", f, f, "="), Panel("prod", f, f, "Σ→"), Panel("z", n_H, n_W)],
            {"x": "", "w": "", "prod": "", "z": ""},
            {"x": v_in, "w": v_w, "prod": v_in * v_w, "z": _vmax(self.call.result["Z"])},
            reveal=("z",),
        )
        self.window = self.g["x"].box()
        self.cell = self.g["z"].box()
        self.moving += [self.window, self.cell, self.g["prod"].image, self.g["z"].cover, self.g["z"].current_text]

    def update(self, event: ev.ConvWindow, state: dict[str, np.ndarray]) -> list[Artist]:
        a, p = self.call.arrays, self.call.params
        i, c, ch = event.i, event.c, self.channel
        vs, ve, hs, he = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
        a_slice = state["A_prev_pad"][i, vs:ve, hs:he, :]
        W_c = a["W"][:, :, :, c]
        n_C_prev = a["A_prev"].shape[3]
        self.g["x"].set_values(state["A_prev_pad"][i, :, :, ch], pad=p["pad"])
        self.g["w"].set_values(W_c[:, :, ch])
        self.g["prod"].set_values(a_slice[:, :, ch] * W_c[:, :, ch])
        # Z as the call returned it, its cells not written yet covered: each is written once
        self.g["z"].set_values(self.call.result["Z"][i, :, :, c])
        self.g["z"].reveal(np.isfinite(state["Z"][i, :, :, c]), (event.h, event.w))
        Grid.move_box(self.window, vs, ve, hs, he)
        Grid.move_box(self.cell, event.h, event.h + 1, event.w, event.w + 1)
        titles = {
            "x": f"A_prev{'_pad' if p['pad'] else ''}[{i}, :, :, {ch}]",
            "w": f"W[:, :, {ch}, {c}]",
            "prod": "window × W",
            "z": f"Z[{i}, :, :, {c}]",
        }
        for key, title in titles.items():
            self.g[key].title.set_text(title)
        sums = _channel_sums(a_slice, W_c)
        n = a_slice.shape[0] * a_slice.shape[1]
        target = f"Z[{i}, {event.h}, {event.w}, {c}]"
        self.set_note(_formula(sums, ch, float(a["b"][0, 0, 0, c]), event.value, target, n))
        return self.changed()


class SingleStepScene(Scene):
    """``conv_single_step``: one window times one filter, summed, plus the bias once."""

    events = (ev.SingleStep,)

    def build(self, event: ev.SingleStep, state: dict[str, np.ndarray]) -> None:
        a = self.call.arrays
        f1, f2, n_C_prev = a["a_slice_prev"].shape
        if not 0 <= self.channel < n_C_prev:
            raise ValueError(
                f"channel must be from 0 to {n_C_prev - 1} (a_slice_prev has {n_C_prev}), got {self.channel}"
            )
        ch = self.channel
        vx, vw = _vmax(a["a_slice_prev"][..., ch]), _vmax(a["W"][..., ch])
        self.g = self.grids(
            [Panel("x", f1, f2, "×"), Panel("w", f1, f2, "="), Panel("prod", f1, f2)],
            {"x": f"a_slice_prev[:, :, {ch}]", "w": f"W[:, :, {ch}]",
             "prod": "a_slice_prev × W"},
            {"x": vx, "w": vw, "prod": vx * vw},
        )

    def update(self, event: ev.SingleStep, state: dict[str, np.ndarray]) -> list[Artist]:
        a, ch = self.call.arrays, self.channel
        self.g["x"].set_values(a["a_slice_prev"][:, :, ch])
        self.g["w"].set_values(a["W"][:, :, ch])
        self.g["prod"].set_values(a["a_slice_prev"][:, :, ch] * a["W"][:, :, ch])
        sums = _channel_sums(a["a_slice_prev"], a["W"])
        n = a["W"].shape[0] * a["W"].shape[1]
        self.set_note(_formula(sums, ch, float(a["b"].item()), event.value, "Z", n))
        return self.changed()


class PoolWindowScene(Scene):
    """``pool_forward``: the window; for max the chosen cell, for average the mean; the output."""

    events = (ev.PoolWindow,)

    def build(self, event: ev.PoolWindow, state: dict[str, np.ndarray]) -> None:
        A_prev, A = self.call.arrays["A_prev"], self.call.result["A"]
        self.g = self.grids(
            [Panel("x", A_prev.shape[1], A_prev.shape[2], "→"), Panel("a", A.shape[1], A.shape[2])],
            {"x": "", "a": ""},
            {"x": _vmax(A_prev), "a": _vmax(A_prev)},
            reveal=("a",),
        )
        self.window = self.g["x"].box()
        self.chosen = self.g["x"].box(color=CHOSEN, lw=3.0, inset=0.12, z=5)
        self.cell = self.g["a"].box()
        self.moving += [self.window, self.chosen, self.cell, self.g["a"].cover, self.g["a"].current_text]

    def update(self, event: ev.PoolWindow, state: dict[str, np.ndarray]) -> list[Artist]:
        A_prev = self.call.arrays["A_prev"]
        i, c = event.i, event.c
        vs, ve, hs, he = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
        n_C = A_prev.shape[3]
        maxed = event.mode == "max"
        bold = {(event.max_row, event.max_col)} if maxed else frozenset()
        self.g["x"].set_values(A_prev[i, :, :, c], bold=bold)
        self.g["a"].set_values(self.call.result["A"][i, :, :, c])  # each cell is written once
        self.g["a"].reveal(np.isfinite(state["A"][i, :, :, c]), (event.h, event.w))
        Grid.move_box(self.window, vs, ve, hs, he)
        Grid.move_box(self.cell, event.h, event.h + 1, event.w, event.w + 1)
        self.chosen.set_visible(maxed)
        if maxed:
            Grid.move_box(self.chosen, event.max_row, event.max_row + 1, event.max_col, event.max_col + 1)
        self.header_note = f"channel {c} of {n_C}" if n_C > 1 else ""
        self.g["x"].title.set_text(f"A_prev[{i}, :, :, {c}]")
        self.g["a"].title.set_text(f"A[{i}, :, :, {c}]")
        target = f"A[{i}, {event.h}, {event.w}, {c}]"
        n = (ve - vs) * (he - hs)
        if maxed:
            text = (f"{target} = max of the {n} window cells = {fmt_long(event.value)}, "
                    f"at row {event.max_row}, column {event.max_col} (green)")
        else:
            cells = A_prev[i, vs:ve, hs:he, c].ravel()
            if n <= 9:
                terms = " + ".join(f"({fmt_long(v)})" if v < 0 else fmt_long(v) for v in cells)
                text = f"{target} = ({terms}) / {n} = {fmt_long(event.value)}"
            else:
                text = f"{target} = mean of the {n} window cells = {fmt_long(event.value)}"
        self.set_note(text)
        return self.changed()


class MaskScene(Scene):
    """``create_mask_from_window``: the window and its mask, every tied maximum True."""

    events = (ev.Mask,)

    def build(self, event: ev.Mask, state: dict[str, np.ndarray]) -> None:
        x = self.call.arrays["x"]
        self.g = self.grids(
            [Panel("x", *x.shape, "→"), Panel("mask", *x.shape)],
            {"x": "x", "mask": "mask = (x == max(x))"},
            {"x": _vmax(x), "mask": 1.0},
        )

    def update(self, event: ev.Mask, state: dict[str, np.ndarray]) -> list[Artist]:
        x, mask = self.call.arrays["x"], state["mask"]
        marked = {tuple(int(j) for j in rc) for rc in np.argwhere(mask)}
        self.g["x"].set_values(x, bold=marked, fills={rc: CHOSEN_FILL for rc in marked})
        labels = np.where(mask, "True", "False")
        self.g["mask"].set_values(np.zeros(mask.shape), labels=labels, bold=marked,
                                             fills={rc: CHOSEN_FILL for rc in marked})
        ties = f": {event.n_max} tied cells are all True (the course keeps every tie)" if event.n_max > 1 else ""
        self.set_note(f"max(x) = {fmt_long(event.maximum)}{ties}")
        return self.changed()


class DistributeScene(Scene):
    """``distribute_value``: ``dz`` spread evenly, every cell showing its share."""

    events = (ev.Distribute,)

    def build(self, event: ev.Distribute, state: dict[str, np.ndarray]) -> None:
        n_H, n_W = self.call.params["shape"]
        v = _vmax(np.array([event.dz]))
        self.g = self.grids(
            [Panel("dz", 1, 1, "→"), Panel("a", n_H, n_W)],
            {"dz": "dz", "a": f"a, shape ({n_H}, {n_W})"},
            {"dz": v, "a": v},
        )

    def update(self, event: ev.Distribute, state: dict[str, np.ndarray]) -> list[Artist]:
        n_H, n_W = self.call.params["shape"]
        self.g["dz"].set_values(np.array([[event.dz]]))
        self.g["a"].set_values(state["a"])
        self.set_note(
            f"each of the {n_H} × {n_W} = {n_H * n_W} cells gets dz / {n_H * n_W} = "
            f"{fmt_long(event.dz)} / {n_H * n_W} = {fmt_long(event.share)}"
        )
        return self.changed()


class ConvBackScene(Scene):
    """``conv_backward``: which cells of dA_prev, dW and db one window adds to, and by how much."""

    rows = 2
    events = (ev.ConvBackWindow,)

    def build(self, event: ev.ConvBackWindow, state: dict[str, np.ndarray]) -> None:
        a, r = self.call.arrays, self.call.result
        f = a["W"].shape[0]
        _, n_Hp, n_Wp, _ = state["dA_prev_pad"].shape
        n_H, n_W = a["dZ"].shape[1:3]
        ch = self.channel
        v_dz, v_w, v_x = _vmax(a["dZ"]), _vmax(a["W"][:, :, ch]), _vmax(a["A_prev"][..., ch])
        v_da = _vmax(r["dA_prev"][..., ch])
        self.g = self.grids(
            [Panel("dz", n_H, n_W, ""), Panel("w", f, f, "× g ="), Panel("wg", f, f, "+="), Panel("da", n_Hp, n_Wp)],
            dict.fromkeys(("dz", "w", "wg", "da"), ""),
            {"dz": v_dz, "w": v_w, "wg": v_w * v_dz, "da": v_da},
            row=0,
        )
        self.g.update(self.grids(
            [Panel("x", n_Hp, n_Wp, "× g ="), Panel("xg", f, f, "+="), Panel("dw", f, f, ""), Panel("db", 1, 1)],
            dict.fromkeys(("x", "xg", "dw", "db"), ""),
            {"x": v_x, "xg": v_x * v_dz, "dw": _vmax(r["dW"][:, :, ch]), "db": _vmax(r["db"])},
            row=1,
        ))
        self.cell = self.g["dz"].box()
        self.win_da = self.g["da"].box(color=ADDED)
        self.win_x = self.g["x"].box()
        self.moving += [self.cell, self.win_da, self.win_x]
        self.moving += [self.g[k].image for k in ("dz", "wg", "da", "xg", "dw", "db")]
        pad, n_H_prev, n_W_prev = self.call.params["pad"], a["A_prev"].shape[1], a["A_prev"].shape[2]
        if pad:
            frame = self.g["da"].box(color=MUTED, lw=1.5, ls="--", z=3)
            Grid.move_box(frame, pad, pad + n_H_prev, pad, pad + n_W_prev)

    def update(self, event: ev.ConvBackWindow, state: dict[str, np.ndarray]) -> list[Artist]:
        a = self.call.arrays
        i, c, ch, g = event.i, event.c, self.channel, event.grad
        vs, ve, hs, he = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
        pad = self.call.params["pad"]
        A_prev_pad = padded_input(self.call)
        a_slice = A_prev_pad[i, vs:ve, hs:he, ch]
        W_c = a["W"][:, :, ch, c]
        n_C_prev = a["A_prev"].shape[3]
        window = {(r, q) for r in range(vs, ve) for q in range(hs, he)}
        self.g["dz"].set_values(a["dZ"][i, :, :, c], fills=_cell_fill(event.h, event.w))
        self.g["w"].set_values(W_c)
        self.g["wg"].set_values(W_c * g)
        self.g["da"].set_values(state["dA_prev_pad"][i, :, :, ch], fills={rc: ADDED_FILL for rc in window})
        self.g["x"].set_values(A_prev_pad[i, :, :, ch], pad=pad)
        self.g["xg"].set_values(a_slice * g)
        self.g["dw"].set_values(state["dW"][:, :, ch, c])
        self.g["db"].set_values(state["db"][:, :, 0, c])
        Grid.move_box(self.cell, event.h, event.h + 1, event.w, event.w + 1)
        Grid.move_box(self.win_da, vs, ve, hs, he)
        Grid.move_box(self.win_x, vs, ve, hs, he)
        titles = {
            "dz": f"dZ[{i}, :, :, {c}]",
            "w": f"W[:, :, {ch}, {c}]",
            "wg": "W × g",
            "da": f"dA_prev_pad[{i}, :, :, {ch}]\n(dashed: kept as dA_prev)" if pad else f"dA_prev[{i}, :, :, {ch}]",
            "x": f"A_prev_pad[{i}, :, :, {ch}]" if pad else f"A_prev[{i}, :, :, {ch}]",
            "xg": "window × g",
            "dw": f"dW[:, :, {ch}, {c}]",
            "db": f"db[{c}] += g",
        }
        for key, title in titles.items():
            self.g[key].title.set_text(title)
        self.set_note(
            f"g = dZ[{i}, {event.h}, {event.w}, {c}] = {fmt_long(g)}:  "
            f"dA_prev{'_pad' if pad else ''}[window] += W × g (blue),\n"
            f"dW[..., {c}] += window × g,  db[{c}] += g"
        )
        return self.changed()


class PoolBackScene(Scene):
    """``pool_backward``: max routes the gradient through the window's mask, average spreads it."""

    events = (ev.PoolBackWindow,)

    def build(self, event: ev.PoolBackWindow, state: dict[str, np.ndarray]) -> None:
        a = self.call.arrays
        f = self.call.params["f"]
        A_prev, dA = a["A_prev"], a["dA"]
        n_Hp, n_Wp = A_prev.shape[1:3]
        n_H, n_W = dA.shape[1:3]
        self.mode = self.call.params["mode"]
        v_da, v_prev = _vmax(dA), _vmax(self.call.result["dA_prev"])
        if self.mode == "max":
            panels = [Panel("x", n_Hp, n_Wp, "→"), Panel("mask", f, f, "× g"), Panel("da", n_H, n_W, "→"),
                      Panel("dprev", n_Hp, n_Wp)]
            vmax = {"x": _vmax(A_prev), "mask": 1.0, "da": v_da, "dprev": v_prev}
        else:
            panels = [Panel("da", n_H, n_W, f"g ÷ {f * f}"), Panel("share", f, f, "+="), Panel("dprev", n_Hp, n_Wp)]
            vmax = {"da": v_da, "share": v_da / (f * f), "dprev": v_prev}
        self.g = self.grids(panels, {p.key: "" for p in panels}, vmax)
        self.cell = self.g["da"].box()
        self.win_prev = self.g["dprev"].box(color=ADDED)
        if self.mode == "max":
            self.window = self.g["x"].box()
            self.moving.append(self.window)
        self.moving += [self.cell, self.win_prev] + [g.image for g in self.g.values()]

    def update(self, event: ev.PoolBackWindow, state: dict[str, np.ndarray]) -> list[Artist]:
        a = self.call.arrays
        i, c, g = event.i, event.c, event.grad
        vs, ve, hs, he = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
        f = ve - vs
        n_C = a["A_prev"].shape[3]
        self.g["da"].set_values(a["dA"][i, :, :, c], fills=_cell_fill(event.h, event.w))
        window_cells = [(r, q) for r in range(vs, ve) for q in range(hs, he)]
        self.header_note = f"channel {c} of {n_C}" if n_C > 1 else ""
        target = f"dA_prev[{i}, {vs}:{ve}, {hs}:{he}, {c}]"
        if self.mode == "max":
            win = a["A_prev"][i, vs:ve, hs:he, c]
            mask = win == np.max(win)  # display only: the event records how many cells are tied
            marked = {(vs + int(r), hs + int(q)) for r, q in np.argwhere(mask)}
            self.g["x"].set_values(a["A_prev"][i, :, :, c], bold=marked,
                                              fills={rc: CHOSEN_FILL for rc in marked})
            local = {(r - vs, q - hs) for r, q in marked}
            self.g["mask"].set_values(np.zeros(mask.shape), labels=np.where(mask, "1", "0"), bold=local,
                                                 fills={rc: CHOSEN_FILL for rc in local})
            fills = {rc: ADDED_FILL for rc in window_cells}
            fills.update({rc: CHOSEN_FILL for rc in marked})
            self.g["dprev"].set_values(state["dA_prev"][i, :, :, c], fills=fills, bold=marked)
            Grid.move_box(self.window, vs, ve, hs, he)
            self.g["x"].title.set_text(f"A_prev[{i}, :, :, {c}]")
            self.g["mask"].title.set_text("mask of the window")
            ties = f" (all {event.n_max} tied maxima get it)" if event.n_max > 1 else ""
            self.set_note(f"g = dA[{i}, {event.h}, {event.w}, {c}] = {fmt_long(g)} goes where the mask is 1{ties}:\n"
                               f"{target} += mask × g")
        else:
            share = g / (f * f)
            self.g["share"].set_values(np.full((f, f), share))
            self.g["dprev"].set_values(state["dA_prev"][i, :, :, c],
                                                  fills={rc: ADDED_FILL for rc in window_cells})
            self.g["share"].title.set_text("g / (f × f)")
            self.set_note(f"g = dA[{i}, {event.h}, {event.w}, {c}] = {fmt_long(g)} spread evenly:\n"
                               f"{fmt_long(g)} / {f * f} = {fmt_long(share)} added to each cell of {target}")
        Grid.move_box(self.cell, event.h, event.h + 1, event.w, event.w + 1)
        Grid.move_box(self.win_prev, vs, ve, hs, he)
        self.g["da"].title.set_text(f"dA[{i}, :, :, {c}]")
        self.g["dprev"].title.set_text(f"dA_prev[{i}, :, :, {c}]")
        return self.changed()


def content_width(call: Call) -> float:
    """Width in inches a drawing of ``call`` needs at full cell size, at least ``MIN_WIDTH``.

    The widest row of grids of the call's scene, with the room between them;
    ``FIG_WIDTH`` for a call this module does not draw.
    """
    a, p = call.arrays, call.params
    pad = p.get("pad", 0)
    if call.name in ("conv_forward", "conv_backward"):
        n_Wp, f = a["A_prev"].shape[2] + 2 * pad, a["W"].shape[0]
        n_W = (n_Wp - f) // p["stride"] + 1
        rows = [[n_Wp, f, f, n_W]] if call.name == "conv_forward" else [[n_W, f, f, n_Wp], [n_Wp, f, f, 1]]
    elif call.name in ("pool_forward", "pool_backward"):
        n_Wp, f = a["A_prev"].shape[2], p["f"]
        n_W = (n_Wp - f) // p["stride"] + 1
        if call.name == "pool_forward":
            rows = [[n_Wp, n_W]]
        else:
            rows = [[n_Wp, f, n_W, n_Wp]] if p["mode"] == "max" else [[n_W, f, n_Wp]]
    elif call.name == "zero_pad":
        rows = [[a["X"].shape[2], a["X"].shape[2] + 2 * pad]]
    elif call.name == "conv_single_step":
        rows = [[a["W"].shape[1]] * 3]
    elif call.name == "create_mask_from_window":
        rows = [[a["x"].shape[1]] * 2]
    elif call.name == "distribute_value":
        rows = [[1, p["shape"][1]]]
    else:
        return FIG_WIDTH
    need = max(2 * SIDE + sum(row) * MAX_CELL + (len(row) - 1) * _gap("×=") for row in rows)
    return float(np.clip(need, MIN_WIDTH, FIG_WIDTH))
