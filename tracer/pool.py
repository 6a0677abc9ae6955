"""The course's pooling functions, as explicit loops that emit trace events.

Layout NHWC: ``(m, n_H, n_W, n_C)``. Names, signatures, return values and
caches are the course's, so a learner can swap their own function for any of
these and compare. Pooling has no padding; output size, for height and width alike::

    n_H = floor((n_H_prev - f) / stride) + 1

and output cell ``(h, w, c)`` reads rows ``h*stride : h*stride + f`` and
columns ``w*stride : w*stride + f`` of channel ``c`` (max or average). The
backward pass routes each ``dA[i, h, w, c]`` back into its window: to the
maximum (:func:`create_mask_from_window`) or spread evenly
(:func:`distribute_value`).

As in :mod:`tracer.conv`, each loop computes a value and, on the next line,
emits its event, and each replay rule sits beside its loop. The helpers
``_mask`` and ``_distribute`` are the unchecked bodies of the public functions
``create_mask_from_window`` and ``distribute_value``; the loops call them so
that the arguments are checked once per call, not once per window.
"""

from __future__ import annotations

import numpy as np

from . import recording
from .events import Distribute, Mask, PoolBackWindow, PoolWindow
from .validate import as_float, check_allocation, check_array, check_int, pool_backward_shapes, pool_shapes

__all__ = ["pool_forward", "pool_backward", "create_mask_from_window", "distribute_value"]


def pool_forward(A_prev: np.ndarray, hparameters: dict, mode: str = "max") -> tuple[np.ndarray, tuple]:
    """Forward pass of a pooling layer (no padding, no parameters to learn).

    Parameters
    ----------
    A_prev : ndarray, shape (m, n_H_prev, n_W_prev, n_C)
    hparameters : dict
        ``{"f": int >= 1, "stride": int >= 1}``.
    mode : {"max", "average"}

    Returns
    -------
    A : ndarray, shape (m, n_H, n_W, n_C)
        With ``n_H = (n_H_prev - f) // stride + 1``, the same for width.
    cache : tuple
        ``(A_prev, hparameters)`` for :func:`pool_backward`.
    """
    s = pool_shapes("pool_forward", A_prev, hparameters, mode)
    A_prev = as_float(A_prev)
    m, n_H, n_W, n_C, f, stride = s.m, s.n_H, s.n_W, s.n_C, s.f, s.stride
    rec = recording.start("pool_forward", {"A_prev": A_prev}, {"f": f, "stride": stride, "mode": mode}, (m, n_H, n_W, n_C))
    emit = None if rec is None else rec.emit

    # --8<-- [start:pool_forward_loop]
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):  # every example
        for h in range(n_H):  # every output row
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):  # every output column
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):  # pooling keeps the channels apart
                    a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]
                    if mode == "max":
                        A[i, h, w, c] = a = np.max(a_prev_slice)
                        if emit is not None:
                            # where the max is, for the trace
                            row, col = divmod(int(a_prev_slice.argmax()), f)
                            emit((PoolWindow.code, i, h, w, c,
                                  vert_start, vert_end, horiz_start, horiz_end,
                                  a, vert_start + row, horiz_start + col))
                    elif mode == "average":
                        A[i, h, w, c] = a = np.mean(a_prev_slice)
                        if emit is not None:
                            emit((PoolWindow.code, i, h, w, c,
                                  vert_start, vert_end, horiz_start, horiz_end,
                                  a, -1, -1))
    # --8<-- [end:pool_forward_loop]

    cache = (A_prev, hparameters)
    if rec is not None:
        rec.done(A=A)
    return A, cache


def _pool_forward_apply(call: recording.Call, state: dict[str, np.ndarray], event: PoolWindow) -> None:
    state["A"][event.i, event.h, event.w, event.c] = event.value


recording.register_replay(
    "pool_forward", lambda call: {"A": np.full_like(call.result["A"], np.nan)}, _pool_forward_apply
)


def _mask(x: np.ndarray) -> np.ndarray:
    # --8<-- [start:create_mask_from_window]
    mask = x == np.max(x)  # True at every maximum, ties included
    # --8<-- [end:create_mask_from_window]
    return mask


def create_mask_from_window(x: np.ndarray) -> np.ndarray:
    """A boolean mask that is True where ``x`` equals its maximum.

    Parameters
    ----------
    x : ndarray, shape (f, f)
        A non-empty window (int, bool and float arrays taken; masked arrays refused).

    Returns
    -------
    mask : ndarray of bool, shape (f, f)
        Every tied maximum is True, as in the course (frameworks pick one).

    Examples
    --------
    >>> create_mask_from_window(np.array([[1.0, 3.0], [3.0, 2.0]]))
    array([[False,  True],
           [ True, False]])
    """
    x = as_float(check_array("create_mask_from_window", "x", x, 2, "(f, f)"))
    if x.size == 0:
        raise ValueError(f"create_mask_from_window: x must be a non-empty window (f, f), got shape {x.shape}")
    rec = recording.start("create_mask_from_window", {"x": x}, {})
    mask = _mask(x)
    if rec is not None:
        rec.emit((Mask.code, np.max(x), int(np.count_nonzero(mask))))
        rec.done(mask=mask)
    return mask


# Replay: its one Mask event writes the mask.
def _mask_apply(call: recording.Call, state: dict[str, np.ndarray], event: Mask) -> None:
    state["mask"] = _mask(call.arrays["x"])


recording.register_replay(
    "create_mask_from_window", lambda call: {"mask": np.zeros(call.arrays["x"].shape, dtype=bool)}, _mask_apply
)


def _distribute(dz: float, shape: tuple[int, int]) -> np.ndarray:
    # --8<-- [start:distribute_value]
    (n_H, n_W) = shape
    average = dz / (n_H * n_W)  # every cell had the same share in the mean
    a = np.ones(shape) * average
    # --8<-- [end:distribute_value]
    return a


def distribute_value(dz: float, shape: tuple[int, int]) -> np.ndarray:
    """Spread ``dz`` evenly over a window of ``shape``.

    Parameters
    ----------
    dz : float
        The upstream gradient of one average-pooling output: an int or a float
        (numpy's too, or a 0-d array of one); complex, bool and masked values are refused.
    shape : tuple of int
        ``(n_H, n_W)``, the window's size.

    Returns
    -------
    a : ndarray, shape (n_H, n_W)
        Every cell equal to ``dz / (n_H * n_W)``.

    Examples
    --------
    >>> distribute_value(2.0, (2, 2))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    fn = "distribute_value"
    if isinstance(dz, np.ndarray):  # a 0-d array, such as dA[i, h, w, c] of a 0-d view: int or float only
        if isinstance(dz, np.ma.MaskedArray) or dz.shape != () or dz.dtype.kind not in "fiu":
            what = "a masked array" if isinstance(dz, np.ma.MaskedArray) else f"an ndarray of shape {dz.shape}, dtype {dz.dtype}"
            raise TypeError(f"{fn}: dz must be a real number (int or float, or a 0-d array of one), got {what}")
    elif isinstance(dz, bool) or not isinstance(dz, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}: dz must be a real number (int or float), got {dz!r} ({type(dz).__name__})")
    if not np.isfinite(dz):
        raise ValueError(f"{fn}: dz must be finite, got {dz}")
    if not isinstance(shape, tuple) or len(shape) != 2:
        raise ValueError(f"{fn}: shape must be a tuple (n_H, n_W), got {shape!r}")
    shape = (check_int(fn, "shape[0]", shape[0], 1), check_int(fn, "shape[1]", shape[1], 1))
    check_allocation(fn, "a", shape, "use a smaller shape (the window of an average pooling is small)")
    rec = recording.start(fn, {}, {"shape": shape})
    a = _distribute(dz, shape)
    if rec is not None:
        rec.emit((Distribute.code, dz, dz / (shape[0] * shape[1])))
        rec.done(a=a)
    return a


# Replay: its one Distribute event writes a.
def _distribute_apply(call: recording.Call, state: dict[str, np.ndarray], event: Distribute) -> None:
    state["a"] = _distribute(event.dz, call.params["shape"])


recording.register_replay("distribute_value", lambda call: {"a": np.full(call.params["shape"], np.nan)}, _distribute_apply)


def pool_backward(dA: np.ndarray, cache: tuple, mode: str = "max") -> np.ndarray:
    """Backward pass of a pooling layer.

    Parameters
    ----------
    dA : ndarray, shape (m, n_H, n_W, n_C)
        Gradient of the cost with respect to the pooling output ``A``.
    cache : tuple
        ``(A_prev, hparameters)`` as returned by :func:`pool_forward`.
    mode : {"max", "average"}

    Returns
    -------
    dA_prev : ndarray, shape (m, n_H_prev, n_W_prev, n_C)
        Max mode routes each ``dA[i, h, w, c]`` to the maximum of its window (to
        every tied maximum); average mode spreads it evenly over the window.
    """
    s, (A_prev, hparameters) = pool_backward_shapes("pool_backward", dA, cache, mode)
    dA, A_prev = as_float(dA), as_float(A_prev)
    m, n_H, n_W, n_C, f, stride = s.m, s.n_H, s.n_W, s.n_C, s.f, s.stride
    rec = recording.start(
        "pool_backward", {"dA": dA, "A_prev": A_prev}, {"f": f, "stride": stride, "mode": mode}, (m, n_H, n_W, n_C)
    )
    emit = None if rec is None else rec.emit

    # --8<-- [start:pool_backward_loop]
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):  # every example
        a_prev = A_prev[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    # dA at the output cell (h, w), not the window's start
                    if mode == "max":
                        a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = _mask(a_prev_slice)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += np.multiply(mask, dA[i, h, w, c])
                        if emit is not None:
                            emit((PoolBackWindow.code, i, h, w, c,
                                  vert_start, vert_end, horiz_start, horiz_end,
                                  dA[i, h, w, c], int(np.count_nonzero(mask))))
                    elif mode == "average":
                        da = dA[i, h, w, c]
                        shape = (f, f)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += _distribute(da, shape)
                        if emit is not None:
                            emit((PoolBackWindow.code, i, h, w, c,
                                  vert_start, vert_end, horiz_start, horiz_end,
                                  da, -1))
    # --8<-- [end:pool_backward_loop]

    if rec is not None:
        rec.done(dA_prev=dA_prev)
    return dA_prev


def _pool_backward_apply(call: recording.Call, state: dict[str, np.ndarray], event: PoolBackWindow) -> None:
    # the loop's innermost step, with the same mask and spread as the loop
    i, c, g = event.i, event.c, event.grad
    vert_start, vert_end, horiz_start, horiz_end = event.vert_start, event.vert_end, event.horiz_start, event.horiz_end
    if event.mode == "max":
        a_prev_slice = call.arrays["A_prev"][i, vert_start:vert_end, horiz_start:horiz_end, c]
        state["dA_prev"][i, vert_start:vert_end, horiz_start:horiz_end, c] += np.multiply(_mask(a_prev_slice), g)
    else:
        f = vert_end - vert_start
        state["dA_prev"][i, vert_start:vert_end, horiz_start:horiz_end, c] += _distribute(g, (f, f))


recording.register_replay(
    "pool_backward", lambda call: {"dA_prev": np.zeros_like(call.arrays["A_prev"])}, _pool_backward_apply
)
