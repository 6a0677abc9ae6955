"""Vectorized twins of the course functions: same names, arguments, results and caches.

No Python loop runs over windows. Forward passes view every window at once
with :func:`numpy.lib.stride_tricks.sliding_window_view` (no copy) and contract
it with the filters in one :func:`numpy.tensordot`; backward passes accumulate
``dA_prev`` with one strided slice addition per filter offset (``f * f`` of
them), about twice as fast here as ``np.add.at``. They check their arguments
exactly as the loops do, and record no events.

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

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .conv import conv_single_step, create_mask_from_window, distribute_value, zero_pad
from .validate import conv_backward_shapes, conv_shapes, pool_backward_shapes, pool_shapes

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


def _windows(X: np.ndarray, f: int, stride: int, n_H: int, n_W: int) -> np.ndarray:
    """Every ``f x f`` window of ``X (m, H, W, C)``: a view of shape ``(m, n_H, n_W, C, f, f)``."""
    return sliding_window_view(X, (f, f), axis=(1, 2))[:, : (n_H - 1) * stride + 1 : stride, : (n_W - 1) * stride + 1 : stride]


def _float64(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The arrays as float64, like the loops' results (no copy when they already are)."""
    return tuple(np.asarray(x, dtype=np.float64) for x in arrays)


def _pad(X: np.ndarray, pad: int) -> np.ndarray:
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0))) if pad else X


def _scatter_windows(grad: np.ndarray, shape: tuple[int, ...], stride: int, n_H: int, n_W: int) -> np.ndarray:
    """Sum per-window gradients ``grad (m, n_H, n_W, f, f, C)`` back into an array of ``shape``.

    One strided slice addition per filter offset ``(di, dj)``: the cells that
    offset touches in every window form a strided grid.
    """
    out = np.zeros(shape)
    f = grad.shape[3]
    for di in range(f):
        for dj in range(f):
            out[:, di : di + (n_H - 1) * stride + 1 : stride, dj : dj + (n_W - 1) * stride + 1 : stride, :] += grad[
                :, :, :, di, dj, :
            ]
    return out


def conv_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, hparameters: dict) -> tuple[np.ndarray, tuple]:
    """Vectorized :func:`tracer.conv_forward`: ``Z (m, n_H, n_W, n_C)`` and its cache.

    Notes
    -----
    One ``tensordot`` over the window view: ``m * n_H * n_W * f * f * n_C_prev * n_C``
    multiply-adds, with one copy of the windows made by BLAS.
    """
    s = conv_shapes("conv_forward", A_prev, W, b, hparameters)
    A, Wf, bf = _float64(A_prev, W, b)
    windows = _windows(_pad(A, s.pad), s.f, s.stride, s.n_H, s.n_W)  # (m, n_H, n_W, C_prev, f, f)
    Z = np.tensordot(windows, Wf, axes=([4, 5, 3], [0, 1, 2])) + bf.reshape(1, 1, 1, -1)
    return Z, (A_prev, W, b, hparameters)


def conv_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorized :func:`tracer.conv_backward`: ``(dA_prev, dW, db)`` shaped like ``A_prev, W, b``."""
    s, cached = conv_backward_shapes("conv_backward", dZ, cache)
    dZ, A_prev, W = _float64(dZ, *cached[:2])
    windows = _windows(_pad(A_prev, s.pad), s.f, s.stride, s.n_H, s.n_W)  # (m, n_H, n_W, C_prev, f, f)
    dW = np.tensordot(windows, dZ, axes=([0, 1, 2], [0, 1, 2])).transpose(1, 2, 0, 3).copy()  # (f, f, C_prev, C)
    db = dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, -1)
    dwindows = np.tensordot(dZ, W, axes=([3], [3]))  # (m, n_H, n_W, f, f, C_prev)
    padded = (s.m, s.n_H_prev + 2 * s.pad, s.n_W_prev + 2 * s.pad, s.n_C_prev)
    dA_prev_pad = _scatter_windows(dwindows, padded, s.stride, s.n_H, s.n_W)
    dA_prev = dA_prev_pad[:, s.pad : s.pad + s.n_H_prev, s.pad : s.pad + s.n_W_prev, :]
    return np.ascontiguousarray(dA_prev), dW, db


def pool_forward(A_prev: np.ndarray, hparameters: dict, mode: str = "max") -> tuple[np.ndarray, tuple]:
    """Vectorized :func:`tracer.pool_forward`: ``A (m, n_H, n_W, n_C)`` and its cache."""
    s = pool_shapes("pool_forward", A_prev, hparameters, mode)
    windows = _windows(_float64(A_prev)[0], s.f, s.stride, s.n_H, s.n_W)  # (m, n_H, n_W, C, f, f)
    A = windows.max(axis=(4, 5)) if mode == "max" else windows.mean(axis=(4, 5))
    return A, (A_prev, hparameters)


def pool_backward(dA: np.ndarray, cache: tuple, mode: str = "max") -> np.ndarray:
    """Vectorized :func:`tracer.pool_backward`: ``dA_prev`` shaped like ``A_prev``.

    Max mode sends each gradient to every tied maximum of its window, as the course does.
    """
    s, (A_prev, hparameters) = pool_backward_shapes("pool_backward", dA, cache, mode)
    dA, A_prev = _float64(dA, A_prev)
    f = s.f
    if mode == "max":
        windows = _windows(A_prev, f, s.stride, s.n_H, s.n_W)  # (m, n_H, n_W, C, f, f)
        mask = windows == windows.max(axis=(4, 5), keepdims=True)
        grad = np.where(mask, dA[..., None, None], 0.0)
    else:
        grad = np.broadcast_to((dA / (f * f))[..., None, None], dA.shape + (f, f))
    grad = grad.transpose(0, 1, 2, 4, 5, 3)  # (m, n_H, n_W, f, f, C)
    return _scatter_windows(grad, A_prev.shape, s.stride, s.n_H, s.n_W)
