"""Vectorized twins of the course functions: same names, arguments, results and caches.

No Python loop runs over windows; the only loops run over the ``f * f``
filter offsets ``(di, dj)``. For one offset, the input cell that offset reads
in every window forms a strided grid, a view of shape ``(m, n_H, n_W, C)``
(no copy):

* ``conv_forward`` adds ``view @ W[di, dj]`` for every offset (``f * f``
  matrix products over the channels) onto the biases; with fewer than 8
  input channels it copies the views into one window matrix
  ``(m * n_H * n_W, f * f * n_C_prev)`` and takes a single product instead;
* ``conv_backward`` takes, per offset, ``dW[di, dj] = view.T @ dZ`` (over
  every window) and adds ``dZ @ W[di, dj].T`` into the offset's view of
  ``dA_prev_pad``; with stride 1 both products run on contiguous blocks of
  the flattened input instead (see ``_conv_backward_stride_1``);
* pooling takes an element-wise maximum (or sum) of the ``f * f`` views, and
  its backward pass adds each offset's share of ``dA`` into its view.

Within one offset no two windows share a cell, so each strided addition is
exact; this is about twice as fast here as ``np.add.at``. The functions check
their arguments exactly as the loops do, compute in float64 as the loops store
their results, and record no events.

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

from .conv import conv_single_step, create_mask_from_window, distribute_value, zero_pad
from .validate import ConvShapes, conv_backward_shapes, conv_shapes, pool_backward_shapes, pool_shapes

__all__ = [
    "zero_pad",
    "conv_single_step",
    "conv_forward",
    "conv_backward",
    "pool_forward",
    "pool_backward",
    "create_mask_from_window",
    "distribute_value",
]


def _float64(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The arrays as float64, like the loops' results (no copy when they already are)."""
    return tuple(np.asarray(x, dtype=np.float64) for x in arrays)


def _pad(X: np.ndarray, pad: int) -> np.ndarray:
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0))) if pad else X


def _offsets(X: np.ndarray, f: int, stride: int, n_H: int, n_W: int) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yield ``(di, dj, view)``: the cell at offset ``(di, dj)`` of every window, ``(m, n_H, n_W, C)``.

    ``view[i, h, w]`` is ``X[i, h*stride + di, w*stride + dj]``; it is a view, so
    adding into it adds into ``X``.
    """
    for di in range(f):
        for dj in range(f):
            yield di, dj, X[:, di : di + (n_H - 1) * stride + 1 : stride, dj : dj + (n_W - 1) * stride + 1 : stride, :]


def _window_matrix(A_prev_pad: np.ndarray, s: ConvShapes) -> np.ndarray:
    """Every window as a row, laid out like ``W``: ``(m * n_H * n_W, f * f * n_C_prev)`` (a copy)."""
    cols = np.empty((s.m, s.n_H, s.n_W, s.f, s.f, s.n_C_prev))
    for di, dj, view in _offsets(A_prev_pad, s.f, s.stride, s.n_H, s.n_W):
        cols[:, :, :, di, dj, :] = view
    return cols.reshape(-1, s.f * s.f * s.n_C_prev)


def conv_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, hparameters: dict) -> tuple[np.ndarray, tuple]:
    """Vectorized :func:`tracer.conv_forward`: ``Z (m, n_H, n_W, n_C)`` and its cache.

    Notes
    -----
    ``f * f`` matrix products ``(m * n_H * n_W, n_C_prev) @ (n_C_prev, n_C)``:
    ``m * n_H * n_W * f * f * n_C_prev * n_C`` multiply-adds, no copy of the windows.
    """
    s = conv_shapes("conv_forward", A_prev, W, b, hparameters)
    A, W64, b64 = _float64(A_prev, W, b)
    A_prev_pad = _pad(A, s.pad)
    if s.n_C_prev < 8:  # few channels: one product of the window matrix beats f * f thin ones
        Z = _window_matrix(A_prev_pad, s) @ W64.reshape(-1, s.n_C)
        Z += b64.reshape(1, -1)
        return Z.reshape(s.m, s.n_H, s.n_W, s.n_C), (A_prev, W, b, hparameters)
    Z = np.empty((s.m, s.n_H, s.n_W, s.n_C))
    Z[...] = b64.reshape(-1)
    for di, dj, view in _offsets(A_prev_pad, s.f, s.stride, s.n_H, s.n_W):
        Z += view @ W64[di, dj]
    return Z, (A_prev, W, b, hparameters)


def conv_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorized :func:`tracer.conv_backward`: ``(dA_prev, dW, db)`` shaped like ``A_prev, W, b``.

    Notes
    -----
    ``2 * f * f`` matrix products, each over every window: ``view.T @ dZ`` (a
    contiguous copy of the view, ``m * n_H * n_W * n_C_prev`` numbers, then a
    product) and ``dZ @ W[di, dj].T``, added into a strided view.
    """
    s, cached = conv_backward_shapes("conv_backward", dZ, cache)
    dZ, A_prev, W = _float64(dZ, *cached[:2])
    A_prev_pad = _pad(A_prev, s.pad)
    dZ_2d = dZ.reshape(-1, s.n_C)  # (m * n_H * n_W, n_C)
    db = dZ_2d.sum(axis=0).reshape(1, 1, 1, -1)
    if s.stride == 1:
        dA_prev_pad, dW = _conv_backward_stride_1(dZ, A_prev_pad, W, s)
    else:
        dW = np.empty(W.shape)
        dA_prev_pad = np.zeros(A_prev_pad.shape)
        views = _offsets(A_prev_pad, s.f, s.stride, s.n_H, s.n_W)
        dviews = _offsets(dA_prev_pad, s.f, s.stride, s.n_H, s.n_W)
        for (di, dj, view), (_, _, dview) in zip(views, dviews):
            dW[di, dj] = view.reshape(-1, s.n_C_prev).T @ dZ_2d  # the reshape copies the strided view
            dview += (dZ_2d @ W[di, dj].T).reshape(dview.shape)
    dA_prev = dA_prev_pad[:, s.pad : s.pad + s.n_H_prev, s.pad : s.pad + s.n_W_prev, :]
    return np.ascontiguousarray(dA_prev), dW, db


def _conv_backward_stride_1(
    dZ: np.ndarray, A_prev_pad: np.ndarray, W: np.ndarray, s: ConvShapes
) -> tuple[np.ndarray, np.ndarray]:
    """``(dA_prev_pad, dW)`` for stride 1, with no copy of any window.

    Flatten the padded input to rows ``X (m * H_pad * W_pad, n_C_prev)`` and put
    ``dZ`` in the top-left corner of a zero grid as high and wide as the padded
    input, flattened the same way to ``G``. Row ``r`` of ``G`` is then the window
    whose cell at offset ``(di, dj)`` is row ``r + di * W_pad + dj`` of ``X``, so
    each offset pairs two contiguous blocks of rows: one matrix product for
    ``dW[di, dj]`` and one for ``dA_prev_pad``. The zero rows of ``G`` (no window
    starts there) add nothing, and no real window reaches into the next example.
    """
    m, H_pad, W_pad, n_C_prev = A_prev_pad.shape
    X = A_prev_pad.reshape(-1, n_C_prev)
    n = X.shape[0] - ((s.f - 1) * W_pad + s.f - 1)  # rows that can start a window
    grid = np.zeros((m, H_pad, W_pad, s.n_C))
    grid[:, : s.n_H, : s.n_W, :] = dZ
    G = grid.reshape(-1, s.n_C)[:n]
    dW = np.empty(W.shape)
    dX = np.zeros(X.shape)
    for di in range(s.f):
        for dj in range(s.f):
            shift = di * W_pad + dj
            dW[di, dj] = X[shift : shift + n].T @ G
            dX[shift : shift + n] += G @ W[di, dj].T
    return dX.reshape(A_prev_pad.shape), dW


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
