"""How tracer writes a number: in a sentence, and in the cell of a grid.

Every caption, report, text picture and figure formats its numbers with these
two functions, so that a value reads the same everywhere it appears.

Examples
--------
>>> number(-6.999089450680221)
'-6.99909'
>>> number(0.551127647, digits=4)
'0.5511'
>>> [cell(v) for v in (1.234, -12.34, 123.4, 0.004, -0.0)]
['1.23', '-12.3', '123', '4e-3', '0.00']
>>> cell(1.5, width=6)
'1.50'
"""

from __future__ import annotations

import math

__all__ = ["number", "cell", "step_label", "CELL_WIDTHS"]

#: For each cell width: ``(limit, decimals)`` pairs, the first whose limit is above ``|v|``
#: applies; beyond the last, one significant digit in e-notation. Width 5 is a figure's cell
#: (its numbers must fit a square cell), width 6 a text picture's (columns of 8 characters).
CELL_WIDTHS: dict[int, tuple[tuple[float, int], ...]] = {
    5: ((9.995, 2), (99.95, 1), (99999.5, 0)),
    6: ((99.995, 2), (9999.5, 0)),
}


def number(x: float, digits: int = 6) -> str:
    """``x`` with ``digits`` significant digits, as captions, reports and formulas write it.

    Parameters
    ----------
    x : float
    digits : int
        Significant digits (6 in captions and reports, 4 in a figure's formula line).

    Returns
    -------
    str
        ``"?"`` for NaN or an infinity (a value not computed yet).
    """
    x = float(x)
    return f"{x:.{digits}g}" if math.isfinite(x) else "?"


def cell(v: float, width: int = 5) -> str:
    """The number shown in one cell of a grid: at most ``width`` characters for a lesson's values.

    Two decimals for small values, fewer as they grow (see :data:`CELL_WIDTHS`); a
    value so small that it would read ``0.00`` shows its size instead (``4e-3``),
    and ``-0.00`` reads ``0.00``.

    Parameters
    ----------
    v : float
    width : {5, 6}
        5 for a figure's cells, 6 for a text picture's.

    Returns
    -------
    str
        The empty string for NaN or an infinity (a cell not written yet).
    """
    if width not in CELL_WIDTHS:
        raise ValueError(f"cell: width must be one of {sorted(CELL_WIDTHS)}, got {width!r}")
    v = float(v)
    if not math.isfinite(v):
        return ""
    a = abs(v)
    if 0 < a < 0.005:  # would read 0.00 or -0.00: show its size instead
        return f"{v:.0e}".replace("e-0", "e-")  # 4e-3, -4e-3
    for limit, decimals in CELL_WIDTHS[width]:
        if a < limit:
            s = f"{v:.{decimals}f}"
            return "0.00" if s == "-0.00" else s
    s = f"{v:.0e}"
    return s if len(s) <= width else s.replace("e+", "e")


def step_label(k: int, n: int) -> str:
    """Step ``k`` of a trace of ``n`` steps, numbered as ``trace[k]`` and ``trace.goto(k)`` count: from 0.

    >>> step_label(5, 10)
    'step 5 (0-9)'
    """
    return f"step {k} (0-{n - 1})"
