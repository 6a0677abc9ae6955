"""Grids of numbers and their layout: where each grid of a scene goes, and how it shows an array."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox, offset_copy

from ..numbers import cell
from .glyphs import GlyphText, axes_text
from .style import (CELL_WIDTH, CMAP, CURRENT_FILL, EMPTY_FILL, FOOTER, GRID_LINE, HEADER, INK, MAX_CELL,
                    MIN_NUMBER_CELL_PT, MUTED, NOTE, PAD_FILL, SIDE, TINT)

__all__ = ["Cell", "CellNumbers", "Grid", "Outline", "Panel", "gap", "slot", "place_panels", "MIN_SLOT"]


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
    gaps = [gap(p.after) for p in panels[:-1]]
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
    # a narrow grid (a 1x1 filter, a bias) gets room on both sides for its title
    room = W - 2 * SIDE - sum(widths) - sum(gaps)
    extra = [max(0.0, MIN_SLOT - w) for w in widths]
    scale = min(1.0, max(room, 0.0) / sum(extra)) if sum(extra) > 0 else 0.0
    slots = [w + e * scale for w, e in zip(widths, extra)]
    total = sum(slots) + sum(gaps)
    x = (W - total) / 2
    mid = band_top - band_h / 2
    for j, (p, w, slot, cell) in enumerate(zip(panels, widths, slots, cells)):
        h = cell * p.n_rows
        ax = fig.add_axes(((x + (slot - w) / 2) / W, (mid - h / 2) / H, w / W, h / H))
        out[p.key] = (ax, cell)
        if j < len(gaps):
            if p.after:
                # centred in the gap, less the room the next grid's row indices take
                fig.text((x + slot + (gaps[j] - 0.14) / 2) / W, mid / H, p.after, ha="center", va="center",
                         fontsize=16 if len(p.after) <= 2 else 12, color=INK)
            x += slot + gaps[j]
    return out


def slot(n_cols: int, cell: float = MAX_CELL) -> float:
    """Inches a grid of ``n_cols`` columns of ``cell`` inches takes in a row: at least ``MIN_SLOT``, for its title."""
    return max(n_cols * cell, MIN_SLOT)


#: The narrowest room a grid takes in its row (inches): a title such as ``W[:, :, 0, 0]`` fits above it.
MIN_SLOT = 1.15


def gap(after: str) -> float:
    """Inches between two grids: room for the operator drawn between them and the row indices."""
    return 0.36 + 0.11 * len(after) if after else 0.36


class Outline(Rectangle):
    """A rectangle around cells of a grid, ``inset`` (a fraction of a cell) inside their edges."""

    def __init__(self, inset: float = 0.0, **kwargs: Any):
        super().__init__((-0.5 + inset, -0.5 + inset), 1 - 2 * inset, 1 - 2 * inset, **kwargs)
        self.inset = inset


class Cell(NamedTuple):
    """What a cell of a :class:`CellNumbers` shows."""

    text: str
    color: str
    weight: str


class CellNumbers(Artist):
    """The numbers of a grid's cells, one artist: each drawn as a :class:`~tracer.render.glyphs.GlyphText` would be.

    A grid of 7 x 7 cells would otherwise make 49 texts, and a matplotlib
    ``Text`` costs more to make than to draw from the glyph cache. Each cell's
    text is centred on the cell's centre ``(c, r)`` in data coordinates (ha
    ``center``, va ``center_baseline``), drawn by one ``GlyphText`` per colour
    and weight moved from cell to cell: the pixels are those of a text per cell.
    The artist goes stale when a cell changes, and a renderer that redraws only
    what changed redraws the grid's numbers (each a cached bitmap).
    """

    def __init__(self, ax: Axes, shape: tuple[int, int], fontsize: float, zorder: float = 3):
        super().__init__()
        self.shape = n_rows, n_cols = shape
        self.fontsize = fontsize
        self._cells = [[Cell("", INK, "normal")] * n_cols for _ in range(n_rows)]
        self._stamps: dict[tuple[str, str], GlyphText] = {}
        self.set_zorder(zorder)
        self.set_clip_on(False)
        ax.add_artist(self)
        self.set_transform(ax.transData)

    def __repr__(self) -> str:
        return f"<CellNumbers {self.shape[0]}x{self.shape[1]}, {self.fontsize:g} pt>"

    def cell(self, r: int, c: int) -> Cell:
        """What cell ``(r, c)`` shows."""
        return self._cells[r][c]

    def texts(self) -> list[list[str]]:
        """The text of every cell, row by row."""
        return [[cell.text for cell in row] for row in self._cells]

    def set_cell(self, r: int, c: int, text: str, color: str = INK, weight: str = "normal") -> None:
        """Show ``text`` in cell ``(r, c)`` (the artist goes stale only if that changes what the cell shows)."""
        want = Cell(str(text), color, weight)
        if want != self._cells[r][c]:
            self._cells[r][c] = want
            self.stale = True

    def _stamp(self, color: str, weight: str) -> GlyphText:
        stamp = self._stamps.get((color, weight))
        if stamp is None:
            stamp = GlyphText(0, 0, "", ha="center", va="center_baseline", fontsize=self.fontsize, color=color,
                              fontweight=weight, clip_on=False)
            stamp.set_figure(self.get_figure(root=False))
            stamp.set_transform(self.get_transform())
            self._stamps[color, weight] = stamp
        return stamp

    def _placed(self) -> Iterator[GlyphText]:
        """For each cell with a text, the stamp of its colour and weight, showing that text at that cell."""
        for r, row in enumerate(self._cells):
            for c, cell in enumerate(row):
                if cell.text:
                    stamp = self._stamp(cell.color, cell.weight)
                    stamp.set_text(cell.text)
                    stamp.set_position((c, r))
                    yield stamp

    def get_window_extent(self, renderer: Any = None) -> Bbox:
        """The union of the cells' texts, in display pixels (what a tight bounding box takes into account)."""
        boxes = [stamp.get_window_extent(renderer) for stamp in self._placed()]
        return Bbox.union(boxes) if boxes else Bbox([[0, 0], [0, 0]])  # as an Artist without extent

    def draw(self, renderer: Any) -> None:
        if not self.get_visible():
            return
        for stamp in self._placed():
            stamp.draw(renderer)
        self.stale = False


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
        index_kw = dict(fontsize=7, color=MUTED, clip_on=False)
        above = offset_copy(ax.transData, fig=fig, x=0, y=3, units="points")
        left = offset_copy(ax.transData, fig=fig, x=-3, y=0, units="points")
        for c in range(0, n_cols, step):
            self.artists.append(axes_text(ax, c, -0.5, str(c), ha="center", va="bottom", transform=above, **index_kw))
        for r in range(0, n_rows, step):
            self.artists.append(axes_text(ax, -0.5, r, str(r), ha="right", va="center", transform=left, **index_kw))
        title_at = offset_copy(ax.transAxes, fig=fig, x=0, y=14, units="points")
        self.title = axes_text(ax, 0.5, 1.0, title, ha="center", va="bottom", fontsize=10, color=INK, transform=title_at,
                             linespacing=1.15, clip_on=False)
        #: the artists drawn beside the cells (indices, title), never over them
        self.outside: list[Artist] = self.artists + [self.title]
        self.rgba = np.ones((n_rows, n_cols, 4))
        self.image = ax.imshow(self.rgba, extent=(-0.5, n_cols - 0.5, n_rows - 0.5, -0.5),
                               interpolation="nearest", aspect="auto", zorder=0)
        segs = [[(x - 0.5, -0.5), (x - 0.5, n_rows - 0.5)] for x in range(n_cols + 1)]
        segs += [[(-0.5, y - 0.5), (n_cols - 0.5, y - 0.5)] for y in range(n_rows + 1)]
        lw = 0.8 if self.numbers else (0.4 if max(shape) <= 32 else 0.0)
        self.lines = ax.add_collection(LineCollection(segs, colors=GRID_LINE, linewidths=lw, zorder=1),
                                       autolim=False)
        self.lines.set_clip_on(False)
        #: the numbers of the cells (``None`` when they do not fit: a colour scale instead)
        self.cells: CellNumbers | None = None
        if self.numbers:
            self.cells = CellNumbers(ax, shape, self.fontsize, zorder=3)
        self.colorbar = None
        self.artists += [self.title, self.image, self.lines] + ([self.cells] if self.cells is not None else [])
        self.cover = self.current_text = None
        if reveal:
            # the cells not written yet are hidden under a cover, the current one is lit on it
            self._cover = np.zeros((n_rows, n_cols, 4))
            self.cover = ax.imshow(self._cover, extent=(-0.5, n_cols - 0.5, n_rows - 0.5, -0.5),
                                   interpolation="nearest", aspect="auto", zorder=3.5)
            self.lines.set_zorder(3.6)
            self.current_text = axes_text(ax, 0, 0, "", ha="center", va="center_baseline", fontsize=self.fontsize,
                                        color=INK, zorder=3.7, clip_on=False)
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
        if self.cells is None:
            return
        for r in range(self.shape[0]):
            for c in range(self.shape[1]):
                self.cells.set_cell(
                    r, c,
                    labels[r, c] if labels is not None else "0" if padded[r, c] else cell(values[r, c], CELL_WIDTH),
                    MUTED if padded[r, c] else INK,
                    "bold" if (r, c) in bold else "normal",
                )

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
            label = self.cells.cell(r, c).text if self.cells is not None else ""
            if self.current_text.get_position() != (c, r):
                self.current_text.set_position((c, r))
        if not np.array_equal(cover, self._cover):
            self._cover = cover
            self.cover.set_data(cover)
        self.current_text.set_text(label)

    def box(self, color: str = INK, lw: float = 3.0, ls: str = "-", inset: float = 0.0, z: float = 4) -> Outline:
        """An outline (initially over cell (0, 0)); move it with :meth:`move_box`."""
        rect = Outline(inset, fill=False, ec=color, lw=lw, ls=ls, zorder=z, joinstyle="miter")
        rect.set_clip_on(False)
        self.ax.add_patch(rect)
        self.artists.append(rect)
        return rect

    @staticmethod
    def move_box(rect: Outline, r0: int, r1: int, c0: int, c1: int) -> None:
        """Place ``rect`` around rows ``r0:r1`` and columns ``c0:c1`` (untouched if already there)."""
        inset = rect.inset
        xy = (c0 - 0.5 + inset, r0 - 0.5 + inset)
        w, h = c1 - c0 - 2 * inset, r1 - r0 - 2 * inset
        if rect.get_xy() != xy or rect.get_width() != w or rect.get_height() != h:
            rect.set_xy(xy)
            rect.set_width(w)
            rect.set_height(h)
