"""What each step of the convolution and pooling loops reads and writes, cell by cell.

The rules of :func:`tracer.export.register_cells` for the functions of
:mod:`tracer.conv`, one per loop, written from the lines of the loop they
describe: a window step of ``conv_forward`` reads ``a_prev_pad[vert_start:vert_end,
horiz_start:horiz_end, :]``, ``W[:, :, :, c]`` and ``b[:, :, :, c]`` and writes
``Z[i, h, w, c]``. Its terms make each output cell's formula:
``Z[i, h, w, c] = sum(A_prev_pad[window] * W[..., c]) + b[c]``. They serve
:func:`tracer.export.to_json` and :meth:`tracer.Trace.readers`.

The window is read as the loop reads it, ``vert_start:vert_end``, in steps of
the call's ``dilation`` (1 without the key). The rules of the transposed
convolution (:mod:`tracer.transpose`) come last: a scatter step reads one input
cell and writes an ``f x f`` block of ``Z_full``; its terms make each cell of
``Z`` from the input cells and filter cells whose block covers it.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from . import events as ev
from .conv import padded_input
from .pool import _mask
from .export import CellRule, Term, register_cells
from .recording import Call
from .transpose import full_shape

__all__: list[str] = []

ALL = slice(None)
FILTER_GRID = {"W": (0, 1), "dW": (0, 1)}  # (f, f, n_C_prev, n_C): a grid per (n_C_prev, n_C) pair


def _d(call: Call) -> int:
    """The call's dilation: a window reads every d-th row and column of its span."""
    return call.params.get("dilation", 1)


def _window(e: ev._Window, d: int = 1) -> tuple[slice, slice]:
    """The rows and columns of the (padded) input that window event ``e`` reads."""
    return slice(e.vert_start, e.vert_end, d), slice(e.horiz_start, e.horiz_end, d)


def _inside(start: int, end: int, d: int, pad: int, n: int) -> slice | None:
    """The rows ``start:end:d`` of a padded axis that fall in the unpadded ``n``, in its coordinates."""
    kept = [r - pad for r in range(start, end, d) if pad <= r < pad + n]
    return slice(kept[0], kept[-1] + 1, d) if kept else None


def _unpadded(e: ev._Window, pad: int, n_H_prev: int, n_W_prev: int, d: int = 1) -> tuple[slice, slice] | None:
    """The window in the coordinates of the unpadded input, cut to it; None when it is all padding."""
    rows = _inside(e.vert_start, e.vert_end, d, pad, n_H_prev)
    cols = _inside(e.horiz_start, e.horiz_end, d, pad, n_W_prev)
    return (rows, cols) if rows is not None and cols is not None else None


def _cells(e: ev._Window, n_C: int, d: int = 1) -> Iterator[tuple[int, int, int]]:
    """``(a, b, k)``: every cell the window reads (offsets a, b: at rows ``vert_start + d*a``) and channel k."""
    for a in range(len(range(e.vert_start, e.vert_end, d))):
        for b in range(len(range(e.horiz_start, e.horiz_end, d))):
            for k in range(n_C):
                yield a, b, k


# -- zero_pad, conv_single_step, create_mask_from_window, distribute_value: one step each -------

register_cells("zero_pad", CellRule(
    reads=lambda call, e: {"X": ()},
    writes=lambda call, e: {"X_pad": ()},
    padded=("X_pad",),
))

register_cells("conv_single_step", CellRule(
    reads=lambda call, e: {"a_slice_prev": (), "W": (), "b": ()},
    writes=lambda call, e: {"Z": ()},
    terms=lambda call, e: [
        *(Term("Z", (), "sum", (("a_slice_prev", j), ("W", j))) for j in np.ndindex(call.arrays["W"].shape)),
        Term("Z", (), "sum", (("b", (0, 0, 0)),), plus=True),
    ],
))

register_cells("create_mask_from_window", CellRule(
    reads=lambda call, e: {"x": ()},
    writes=lambda call, e: {"mask": ()},
))

register_cells("distribute_value", CellRule(reads=lambda call, e: {}, writes=lambda call, e: {"a": ()}))


# -- conv_forward ------------------------------------------------------------------------------


def _conv_forward_reads(call: Call, e: ev.Event) -> dict:
    if isinstance(e, ev.Pad):  # A_prev_pad = zero_pad(A_prev, pad)
        return {"A_prev": ()}
    # a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]; W[:, :, :, c]; b[:, :, :, c]
    return {"A_prev_pad": (e.i, *_window(e, _d(call)), ALL), "W": (ALL, ALL, ALL, e.c), "b": (0, 0, 0, e.c)}


def _conv_forward_writes(call: Call, e: ev.Event) -> dict:
    return {"A_prev_pad": ()} if isinstance(e, ev.Pad) else {"Z": (e.i, e.h, e.w, e.c)}


def _conv_forward_terms(call: Call, e: ev.Event) -> Iterator[Term]:
    if isinstance(e, ev.Pad):
        return
    out, d = (e.i, e.h, e.w, e.c), _d(call)
    for a, b, k in _cells(e, call.arrays["A_prev"].shape[3], d):
        cell = (e.i, e.vert_start + d * a, e.horiz_start + d * b, k)
        yield Term("Z", out, "sum", (("A_prev_pad", cell), ("W", (a, b, k, e.c))))
    yield Term("Z", out, "sum", (("b", (0, 0, 0, e.c)),), plus=True)


register_cells("conv_forward", CellRule(
    _conv_forward_reads, _conv_forward_writes, _conv_forward_terms, grids=FILTER_GRID, padded=("A_prev_pad",),
))


# -- pool_forward ------------------------------------------------------------------------------


def _pool_forward_terms(call: Call, e: ev.PoolWindow) -> Iterator[Term]:
    op = "max" if e.mode == "max" else "mean"
    for a, b, _ in _cells(e, 1):
        r, s = e.vert_start + a, e.horiz_start + b
        chosen = (r, s) == (e.max_row, e.max_col)
        yield Term("A", (e.i, e.h, e.w, e.c), op, (("A_prev", (e.i, r, s, e.c)),), chosen=chosen)


register_cells("pool_forward", CellRule(
    # a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]
    reads=lambda call, e: {"A_prev": (e.i, *_window(e), e.c)},
    writes=lambda call, e: {"A": (e.i, e.h, e.w, e.c)},
    terms=_pool_forward_terms,
))


# -- conv_backward -----------------------------------------------------------------------------


def _conv_backward_reads(call: Call, e: ev.ConvBackWindow) -> dict:
    # a_slice (for dW), W[:, :, :, c] (for dA_prev_pad), dZ[i, h, w, c] (for all three)
    return {"A_prev_pad": (e.i, *_window(e, _d(call)), ALL), "W": (ALL, ALL, ALL, e.c), "dZ": (e.i, e.h, e.w, e.c)}


def _conv_backward_writes(call: Call, e: ev.ConvBackWindow) -> dict:
    # da_prev_pad[window] +=, dW[..., c] +=, db[..., c] +=, and the padding cut into dA_prev
    d = _d(call)
    out = {"dA_prev_pad": (e.i, *_window(e, d), ALL), "dW": (ALL, ALL, ALL, e.c), "db": (0, 0, 0, e.c)}
    n_H_prev, n_W_prev = call.arrays["A_prev"].shape[1:3]
    inner = _unpadded(e, call.params["pad"], n_H_prev, n_W_prev, d)
    if inner is not None:
        out["dA_prev"] = (e.i, *inner, ALL)
    return out


def _conv_backward_terms(call: Call, e: ev.ConvBackWindow) -> Iterator[Term]:
    pad, d = call.params["pad"], _d(call)
    n_H_prev, n_W_prev, n_C_prev = call.arrays["A_prev"].shape[1:4]
    g = ("dZ", (e.i, e.h, e.w, e.c))
    for a, b, k in _cells(e, n_C_prev, d):
        r, s = e.vert_start + d * a, e.horiz_start + d * b
        w = ("W", (a, b, k, e.c))
        if pad <= r < pad + n_H_prev and pad <= s < pad + n_W_prev:
            yield Term("dA_prev", (e.i, r - pad, s - pad, k), "sum", (w, g))
        yield Term("dW", (a, b, k, e.c), "sum", (("A_prev_pad", (e.i, r, s, k)), g))
    yield Term("db", (0, 0, 0, e.c), "sum", (g,))


register_cells("conv_backward", CellRule(
    _conv_backward_reads, _conv_backward_writes, _conv_backward_terms,
    derived=lambda call: {"A_prev_pad": padded_input(call)},
    grids=FILTER_GRID, padded=("A_prev_pad", "dA_prev_pad"),
))


# -- pool_backward -----------------------------------------------------------------------------


def _pool_backward_reads(call: Call, e: ev.PoolBackWindow) -> dict:
    out = {"dA": (e.i, e.h, e.w, e.c)}  # dA at the output cell (h, w), not the window's start
    if e.mode == "max":  # the mask is made from the window of A_prev
        out["A_prev"] = (e.i, *_window(e), e.c)
    return out


def _pool_backward_terms(call: Call, e: ev.PoolBackWindow) -> Iterator[Term]:
    g = ("dA", (e.i, e.h, e.w, e.c))
    rows, cols = _window(e)
    if e.mode == "max":  # only the cells of the mask receive dA
        mask = _mask(call.arrays["A_prev"][e.i, rows, cols, e.c])
        for a, b in zip(*np.nonzero(mask)):
            yield Term("dA_prev", (e.i, e.vert_start + int(a), e.horiz_start + int(b), e.c), "sum", (g,))
        return
    f = e.vert_end - e.vert_start
    for a, b, _ in _cells(e, 1):  # distribute_value: dA / (f * f) to every cell
        yield Term("dA_prev", (e.i, e.vert_start + a, e.horiz_start + b, e.c), "sum", (g,), divisor=f * f)


register_cells("pool_backward", CellRule(
    _pool_backward_reads,
    writes=lambda call, e: {"dA_prev": (e.i, *_window(e), e.c)},
    terms=_pool_backward_terms,
))


# -- conv_transpose_forward and conv_transpose_backward (tracer.transpose) ----------------------


def _kept(call: Call, r: int, s: int) -> tuple[int, int] | None:
    """Cell ``(r, s)`` of the full output in the coordinates of the cut ``Z`` (or ``dZ``); None if cut away."""
    pad = call.params["pad"]
    _, n_H_full, n_W_full, _ = full_shape(call)
    if pad <= r < n_H_full - pad and pad <= s < n_W_full - pad:
        return r - pad, s - pad
    return None


def _block(call: Call, e: ev.Scatter | ev.ScatterBack) -> Iterator[tuple[int, int, int, tuple[int, int] | None]]:
    """``(di, dj, k, cell of Z or None)`` for every filter offset and input channel of a scatter step."""
    for di, dj, k in _cells(e, call.arrays["A_prev"].shape[3]):
        yield di, dj, k, _kept(call, e.vert_start + di, e.horiz_start + dj)


def _cut(call: Call) -> tuple[slice, slice, slice, slice]:
    """The cells of the full output kept in ``Z``: ``[:, pad:-pad, pad:-pad, :]``."""
    pad = call.params["pad"]
    _, n_H_full, n_W_full, _ = full_shape(call)
    return (ALL, slice(pad, n_H_full - pad), slice(pad, n_W_full - pad), ALL)


def _transpose_forward_reads(call: Call, e: ev.Scatter | ev.Crop) -> dict:
    if isinstance(e, ev.Crop):  # Z = Z_full[:, pad:pad + n_H, pad:pad + n_W, :] + b
        return {"Z_full": _cut(call), "b": ()}
    # a = A_prev[i, h, w, :]; W[:, :, :, c]
    return {"A_prev": (e.i, e.h, e.w, ALL), "W": (ALL, ALL, ALL, e.c)}


def _transpose_forward_writes(call: Call, e: ev.Scatter | ev.Crop) -> dict:
    if isinstance(e, ev.Crop):
        return {"Z": ()}
    # Z_full[i, vert_start:vert_end, horiz_start:horiz_end, c] += block
    return {"Z_full": (e.i, *_window(e), e.c)}


def _transpose_forward_terms(call: Call, e: ev.Scatter | ev.Crop) -> Iterator[Term]:
    if isinstance(e, ev.Crop):  # the bias, once per cell of Z
        for i, r, s, c in np.ndindex(call.result["Z"].shape):
            yield Term("Z", (i, r, s, c), "sum", (("b", (0, 0, 0, c)),), plus=True)
        return
    for di, dj, k, cell in _block(call, e):
        if cell is not None:  # a cell of the block that the cut keeps
            yield Term("Z", (e.i, *cell, e.c), "sum", (("A_prev", (e.i, e.h, e.w, k)), ("W", (di, dj, k, e.c))))


register_cells("conv_transpose_forward", CellRule(
    _transpose_forward_reads, _transpose_forward_writes, _transpose_forward_terms,
    grids=FILTER_GRID, padded=("Z_full",),
))


def _transpose_backward_reads(call: Call, e: ev.Uncrop | ev.ScatterBack) -> dict:
    if isinstance(e, ev.Uncrop):  # dZ_full[:, pad:pad + n_H, pad:pad + n_W, :] = dZ; db = sum of dZ
        return {"dZ": ()}
    # g = dZ_full[i, vert_start:vert_end, horiz_start:horiz_end, c]; W[:, :, :, c]; A_prev[i, h, w, :]
    return {"dZ_full": (e.i, *_window(e), e.c), "W": (ALL, ALL, ALL, e.c), "A_prev": (e.i, e.h, e.w, ALL)}


def _transpose_backward_writes(call: Call, e: ev.Uncrop | ev.ScatterBack) -> dict:
    if isinstance(e, ev.Uncrop):
        return {"dZ_full": (), "db": ()}
    return {"dA_prev": (e.i, e.h, e.w, ALL), "dW": (ALL, ALL, ALL, e.c)}


def _transpose_backward_terms(call: Call, e: ev.Uncrop | ev.ScatterBack) -> Iterator[Term]:
    if isinstance(e, ev.Uncrop):
        for index in np.ndindex(call.arrays["dZ"].shape):
            yield Term("db", (0, 0, 0, index[3]), "sum", (("dZ", index),))
        return
    for di, dj, k, cell in _block(call, e):
        if cell is None:  # a cell the forward pass cut away: its gradient is zero
            continue
        g = ("dZ", (e.i, *cell, e.c))
        yield Term("dA_prev", (e.i, e.h, e.w, k), "sum", (("W", (di, dj, k, e.c)), g))
        yield Term("dW", (di, dj, k, e.c), "sum", (("A_prev", (e.i, e.h, e.w, k)), g))


register_cells("conv_transpose_backward", CellRule(
    _transpose_backward_reads, _transpose_backward_writes, _transpose_backward_terms,
    grids=FILTER_GRID, padded=("dZ_full",),
))
