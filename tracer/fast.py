"""Vectorized twins of the course functions: same names, arguments, results and caches.

No Python loop runs over windows; the only loops run over the ``f * f``
filter offsets ``(di, dj)``.

* Convolutions with stride 1 put the padded input channels first and every
  image flattened, ``XT (n_C_prev, m * H_pad * W_pad)``: the cells one offset
  reads in every window are then a contiguous block of columns, so the window
  matrix is ``f * f`` block copies and each pass is one large matrix product
  (forward ``W.T @ MT``; backward ``MT @ G`` for ``dW`` and ``W @ G.T``, added
  back block by block, for ``dA_prev``). See :class:`_ChannelRows`.
* With a larger stride, the cell one offset reads in every window is a
  strided view ``(m, n_H, n_W, C)`` of the padded input: forward gathers the
  views into one window matrix; backward takes ``dW[di, dj] = view.T @ dZ``
  and adds ``dZ @ W[di, dj].T`` into the offset's view of ``dA_prev_pad``.
* A dilated window (``hparameters["dilation"] = d``) reads offset ``(di, dj)``
  at ``(d * di, d * dj)``: the same views and column shifts, spread ``d`` apart.
* The transposed convolution computes every input cell's block with one matrix
  product and scatters the blocks with ``f * f`` strided additions; its
  backward pass gathers them with ``f * f`` strided copies.
* Pooling takes an element-wise maximum (or sum) of the ``f * f`` views, and
  its backward pass adds each offset's share of ``dA`` into its view.

Within one offset no two windows share a cell, so each strided addition is
exact; this is about twice as fast here as ``np.add.at``. The functions check
their arguments exactly as the loops do, compute in float64 as the loops store
their results, and record no events.

``zero_pad``, ``conv_single_step``, ``create_mask_from_window`` and
``distribute_value`` have no loop to vectorize: they are tracer's own functions,
re-exported so that ``tracer.fast`` offers the whole API, and inside a
``tracer.record()`` block they record their one event, as everywhere.

Examples
--------
>>> import numpy as np
>>> from tracer import fast
>>> Z, cache = fast.conv_forward(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)),
...                              {"stride": 1, "pad": 0})
>>> Z[0, :, :, 0]
array([[4., 4.],
       [4., 4.]])
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import conv as _conv
from . import pool as _pool
from . import transpose as _transpose
from .conv import conv_single_step, zero_pad
from .pool import create_mask_from_window, distribute_value
from .validate import (
    ConvShapes,
    ConvTransposeShapes,
    check_allocation,
    conv_backward_shapes,
    conv_shapes,
    conv_transpose_backward_shapes,
    conv_transpose_shapes,
    pool_backward_shapes,
    pool_shapes,
)

#: The same names as the traced functions (their own lists: the course's, then the transposed convolution).
__all__ = [*_conv.__all__, *_pool.__all__, *_transpose.__all__]


def _float64(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The arrays as float64, like the loops' results (no copy when they already are)."""
    return tuple(np.asarray(x, dtype=np.float64) for x in arrays)


def _pad(X: np.ndarray, pad: int) -> np.ndarray:
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0))) if pad else X


def _offsets(
    X: np.ndarray, f: int, stride: int, n_H: int, n_W: int, dilation: int = 1
) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yield ``(di, dj, view)``: the cell at offset ``(di, dj)`` of every window, ``(m, n_H, n_W, C)``.

    ``view[i, h, w]`` is ``X[i, h*stride + dilation*di, w*stride + dilation*dj]``; it
    is a view, so adding into it adds into ``X``.
    """
    for di in range(f):
        for dj in range(f):
            r, c = dilation * di, dilation * dj
            yield di, dj, X[:, r : r + (n_H - 1) * stride + 1 : stride, c : c + (n_W - 1) * stride + 1 : stride, :]


def _check_window_matrix(fn: str, s: ConvShapes) -> None:
    """Refuse, before allocating, a window matrix past the memory budget (it holds every window's cells)."""
    columns = s.m * (s.n_H_prev + 2 * s.pad) * (s.n_W_prev + 2 * s.pad) if s.stride == 1 else s.m * s.n_H * s.n_W
    check_allocation(fn, "the window matrix of the vectorized path", (s.f * s.f * s.n_C_prev, columns),
                     "pass fewer examples (a slice of A_prev along m) per call")


def _window_matrix(A_prev_pad: np.ndarray, s: ConvShapes) -> np.ndarray:
    """Every window as a row, laid out like ``W``: ``(m * n_H * n_W, f * f * n_C_prev)`` (a copy)."""
    cols = np.empty((s.m, s.n_H, s.n_W, s.f, s.f, s.n_C_prev))
    for di, dj, view in _offsets(A_prev_pad, s.f, s.stride, s.n_H, s.n_W, s.dilation):
        cols[:, :, :, di, dj, :] = view
    return cols.reshape(-1, s.f * s.f * s.n_C_prev)


class _ChannelRows:
    """The padded input with channels first and every image flattened: ``XT (n_C_prev, N)``.

    ``N = m * H_pad * W_pad``. Column ``r`` of ``XT`` is one input cell; with
    stride 1, the window whose top-left cell is column ``r`` reads, at filter
    offset ``(di, dj)``, column ``r + di * W_pad + dj``. So the cells that every
    window reads at one offset are a contiguous block of columns, and the
    window matrix ``MT (f * f * n_C_prev, n)``, rows ordered like ``W``'s
    ``(di, dj, c)``, is ``f * f`` such blocks stacked (one copy of long
    contiguous rows). Columns ``r`` that start no real window (past the right
    or bottom edge of an image) are computed and ignored: about ``(f - 1) / W_pad``
    of the work. A window dilated by ``d`` reads column ``r + d * (di * W_pad + dj)``.
    """

    def __init__(self, X: np.ndarray, pad: int, f: int, dilation: int = 1):
        m, H, W_, C = X.shape
        self.m, self.C, self.f, self.d = m, C, f, dilation
        self.H_pad, self.W_pad = H + 2 * pad, W_ + 2 * pad
        self.N = m * self.H_pad * self.W_pad
        # columns whose window stays in the array
        self.n = self.N - dilation * ((f - 1) * self.W_pad + f - 1)
        grid = np.zeros((C, m, self.H_pad, self.W_pad))
        grid[:, :, pad : pad + H, pad : pad + W_] = X.transpose(3, 0, 1, 2)
        self.XT = grid.reshape(C, self.N)

    def shifts(self) -> Iterator[tuple[int, int, int]]:
        """``(di, dj, column shift)`` for every filter offset, in ``W``'s order."""
        for di in range(self.f):
            for dj in range(self.f):
                yield di, dj, self.d * (di * self.W_pad + dj)

    def window_matrix(self) -> np.ndarray:
        """``MT (f * f * n_C_prev, n)``: column ``r`` is the window starting at cell ``r``."""
        step = self.XT.strides[1]
        view = as_strided(self.XT, (self.f, self.f, self.C, self.n),
                          (self.d * self.W_pad * step, self.d * step, self.XT.strides[0], step), writeable=False)
        return view.reshape(self.f * self.f * self.C, self.n)  # copies: f * f blocks of contiguous rows

    def to_grid(self, rows: np.ndarray) -> np.ndarray:
        """``rows (k, N)``, one column per cell, back to NHWC ``(m, H_pad, W_pad, k)`` (a view)."""
        return rows.T.reshape(self.m, self.H_pad, self.W_pad, -1)


def conv_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, hparameters: dict) -> tuple[np.ndarray, tuple]:
    """Vectorized :func:`tracer.conv_forward`: ``Z (m, n_H, n_W, n_C)`` and its cache.

    Notes
    -----
    ``m * n_H * n_W * f * f * n_C_prev * n_C`` multiply-adds. With stride 1, one
    matrix product ``W.T @ MT`` over the window matrix of :class:`_ChannelRows`;
    with a larger stride, one product of the window matrix gathered with
    ``f * f`` strided copies.
    """
    s = conv_shapes("conv_forward", A_prev, W, b, hparameters)
    _check_window_matrix("conv_forward", s)
    A, W64, b64 = _float64(A_prev, W, b)
    Z = np.empty((s.m, s.n_H, s.n_W, s.n_C))
    if s.stride == 1:
        x = _ChannelRows(A, s.pad, s.f, s.dilation)
        ZT = np.empty((s.n_C, x.N))
        np.matmul(W64.reshape(-1, s.n_C).T, x.window_matrix(), out=ZT[:, : x.n])
        np.add(x.to_grid(ZT)[:, : s.n_H, : s.n_W], b64.reshape(-1), out=Z)
    else:
        cols = _window_matrix(_pad(A, s.pad), s)
        np.add((cols @ W64.reshape(-1, s.n_C)).reshape(Z.shape), b64.reshape(-1), out=Z)
    return Z, (A_prev, W, b, hparameters)


def conv_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorized :func:`tracer.conv_backward`: ``(dA_prev, dW, db)`` shaped like ``A_prev, W, b``.

    Notes
    -----
    Two matrix products of ``m * n_H * n_W * f * f * n_C_prev * n_C``
    multiply-adds each. With stride 1, on the layout of :class:`_ChannelRows`:
    ``dW = MT @ G`` and ``dMT = W @ G.T``, then ``f * f`` additions of contiguous
    blocks of ``dMT`` into ``dA_prev_pad``. With a larger stride, per offset:
    ``dW[di, dj] = view.T @ dZ`` and ``dZ @ W[di, dj].T`` added into a strided view.
    """
    s, cached = conv_backward_shapes("conv_backward", dZ, cache)
    _check_window_matrix("conv_backward", s)
    dZ, A_prev, W = _float64(dZ, *cached[:2])
    dZ_2d = dZ.reshape(-1, s.n_C)  # (m * n_H * n_W, n_C)
    db = dZ_2d.sum(axis=0).reshape(1, 1, 1, -1)
    if s.stride == 1:
        x = _ChannelRows(A_prev, s.pad, s.f, s.dilation)
        GT = np.zeros((s.n_C, x.N))  # dZ[i, h, w] at the column of its window's top-left cell
        x.to_grid(GT)[:, : s.n_H, : s.n_W] = dZ
        GT = GT[:, : x.n]
        dW = (x.window_matrix() @ GT.T).reshape(W.shape)
        dMT = W.reshape(-1, s.n_C) @ GT  # (f * f * n_C_prev, n): what each window gives each offset
        dXT = np.zeros((s.n_C_prev, x.N))
        for k, (_, _, shift) in enumerate(x.shifts()):
            dXT[:, shift : shift + x.n] += dMT[k * s.n_C_prev : (k + 1) * s.n_C_prev]
        dA_prev_pad = x.to_grid(dXT)
    else:
        A_prev_pad = _pad(A_prev, s.pad)
        dW = np.empty(W.shape)
        dA_prev_pad = np.zeros(A_prev_pad.shape)
        views = _offsets(A_prev_pad, s.f, s.stride, s.n_H, s.n_W, s.dilation)
        dviews = _offsets(dA_prev_pad, s.f, s.stride, s.n_H, s.n_W, s.dilation)
        for (di, dj, view), (_, _, dview) in zip(views, dviews):
            dW[di, dj] = view.reshape(-1, s.n_C_prev).T @ dZ_2d  # the reshape copies the strided view
            dview += (dZ_2d @ W[di, dj].T).reshape(dview.shape)
    dA_prev = dA_prev_pad[:, s.pad : s.pad + s.n_H_prev, s.pad : s.pad + s.n_W_prev, :]
    return np.ascontiguousarray(dA_prev), dW, db


def pool_forward(A_prev: np.ndarray, hparameters: dict, mode: str = "max") -> tuple[np.ndarray, tuple]:
    """Vectorized :func:`tracer.pool_forward`: ``A (m, n_H, n_W, n_C)`` and its cache.

    Notes
    -----
    ``f * f - 1`` element-wise maxima (or sums) of arrays shaped like ``A``.
    """
    s = pool_shapes("pool_forward", A_prev, hparameters, mode)
    views = [view for _, _, view in _offsets(_float64(A_prev)[0], s.f, s.stride, s.n_H, s.n_W)]
    A = views[0].copy()
    combine = np.maximum if mode == "max" else np.add
    for view in views[1:]:
        combine(A, view, out=A)
    if mode == "average":
        A /= s.f * s.f
    return A, (A_prev, hparameters)


def pool_backward(dA: np.ndarray, cache: tuple, mode: str = "max") -> np.ndarray:
    """Vectorized :func:`tracer.pool_backward`: ``dA_prev`` shaped like ``A_prev``.

    Max mode sends each gradient to every tied maximum of its window, as the course does.
    """
    s, (A_prev, hparameters) = pool_backward_shapes("pool_backward", dA, cache, mode)
    dA, A_prev = _float64(dA, A_prev)
    dA_prev = np.zeros(A_prev.shape)
    douts = _offsets(dA_prev, s.f, s.stride, s.n_H, s.n_W)
    if mode == "average":
        share = dA / (s.f * s.f)
        for _, _, dview in douts:
            dview += share
        return dA_prev
    A = pool_forward(A_prev, hparameters, mode="max")[0]
    for (_, _, view), (_, _, dview) in zip(_offsets(A_prev, s.f, s.stride, s.n_H, s.n_W), douts):
        dview += np.where(view == A, dA, 0.0)
    return dA_prev


def _check_blocks(fn: str, s: ConvTransposeShapes) -> None:
    """Refuse, before any work, a block matrix (every input cell's f x f block) past the array budget."""
    check_allocation(fn, "the blocks of every input cell", (s.m, s.n_H_prev, s.n_W_prev, s.f, s.f, s.n_C),
                     "use a smaller filter or input, or the loop tracer.conv_transpose_forward")


def _transpose_matrix(W: np.ndarray) -> np.ndarray:
    """``W (f, f, n_C_prev, n_C)`` as ``(n_C_prev, f * f * n_C)``, columns ordered ``(di, dj, c)``."""
    return W.transpose(2, 0, 1, 3).reshape(W.shape[2], -1)


def conv_transpose_forward(
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, hparameters: dict
) -> tuple[np.ndarray, tuple]:
    """Vectorized :func:`tracer.conv_transpose_forward`: ``Z (m, n_H, n_W, n_C)`` and its cache.

    Notes
    -----
    One matrix product ``A_prev @ W`` of ``m * n_H_prev * n_W_prev * n_C_prev * f * f * n_C``
    multiply-adds gives every cell's ``f x f`` block; then ``f * f`` strided additions
    (one per filter offset, in which no two blocks share a cell) scatter them into ``Z_full``.
    """
    s = conv_transpose_shapes("conv_transpose_forward", A_prev, W, b, hparameters)
    _check_blocks("conv_transpose_forward", s)
    A, W64, b64 = _float64(A_prev, W, b)
    blocks = (A.reshape(-1, s.n_C_prev) @ _transpose_matrix(W64)).reshape(s.m, s.n_H_prev, s.n_W_prev, s.f, s.f, s.n_C)
    Z_full = np.zeros((s.m, s.n_H_full, s.n_W_full, s.n_C))
    for di, dj, view in _offsets(Z_full, s.f, s.stride, s.n_H_prev, s.n_W_prev):
        view += blocks[:, :, :, di, dj, :]
    Z = Z_full[:, s.pad : s.pad + s.n_H, s.pad : s.pad + s.n_W, :] + b64.reshape(-1)
    return Z, (A_prev, W, b, hparameters)


def conv_transpose_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorized :func:`tracer.conv_transpose_backward`: ``(dA_prev, dW, db)`` shaped like ``A_prev, W, b``.

    Notes
    -----
    ``f * f`` strided copies gather the block of ``dZ_full`` each input cell wrote,
    ``G (m * n_H_prev * n_W_prev, f * f * n_C)``; then two matrix products,
    ``dA_prev = G @ W.T`` and ``dW = A_prev.T @ G``.
    """
    s, cached = conv_transpose_backward_shapes("conv_transpose_backward", dZ, cache)
    _check_blocks("conv_transpose_backward", s)
    dZ, A_prev, W = _float64(dZ, *cached[:2])
    dZ_full = np.zeros((s.m, s.n_H_full, s.n_W_full, s.n_C))
    dZ_full[:, s.pad : s.pad + s.n_H, s.pad : s.pad + s.n_W, :] = dZ
    G = np.empty((s.m, s.n_H_prev, s.n_W_prev, s.f, s.f, s.n_C))
    for di, dj, view in _offsets(dZ_full, s.f, s.stride, s.n_H_prev, s.n_W_prev):
        G[:, :, :, di, dj, :] = view
    G = G.reshape(-1, s.f * s.f * s.n_C)
    A_2d, W_2d = A_prev.reshape(-1, s.n_C_prev), _transpose_matrix(W)
    dA_prev = (G @ W_2d.T).reshape(A_prev.shape)
    dW = (A_2d.T @ G).reshape(s.n_C_prev, s.f, s.f, s.n_C).transpose(1, 2, 0, 3)
    db = dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, -1)
    return dA_prev, np.ascontiguousarray(dW), db
