"""The look of every figure: colours, sizes in inches, and the matplotlib settings they are drawn with.

Colours: value tints from a light blue-red diverging map (readable by
colour-blind readers: blue and red stay apart under every common deficiency),
marks from the Okabe-Ito palette, and dark outlines for the current window and
cell. Every figure has an opaque white card, so it reads the same on a light
and on a dark page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import numpy as np
from matplotlib import colormaps

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

# -- numbers (formatted by tracer.numbers) -------------------------------------------------------
CELL_WIDTH = 5  # characters of a number in a cell: tracer.numbers.cell(v, CELL_WIDTH)
DIGITS = 4  # significant digits of a number in a formula line: tracer.numbers.number(v, DIGITS)


def figure_height(rows: int, row_height: float = ROW_HEIGHT) -> float:
    """Height in inches of a figure whose scenes use ``rows`` rows of grids ``row_height`` high."""
    return HEADER + rows * row_height + NOTE + FOOTER


def value_range(*arrays: np.ndarray) -> float:
    """The colour range ``[-vmax, vmax]`` that covers every finite value of ``arrays``."""
    m = 0.0
    for a in arrays:
        a = np.asarray(a, dtype=float)
        finite = a[np.isfinite(a)]
        if finite.size:
            m = max(m, float(np.max(np.abs(finite))))
    return m if m > 0 else 1.0


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


@contextmanager
def styled() -> Iterator[None]:
    """Within the block, the settings of :data:`STYLE`; after it, those settings as they were.

    What ``matplotlib.rc_context(STYLE)`` does for these keys, at a tenth of the
    cost (it copies every setting in and out): a frame is drawn within it twice.
    """
    params = matplotlib.rcParams
    saved = {key: params[key] for key in STYLE}
    params.update(STYLE)
    try:
        yield
    finally:
        params.update(saved)
