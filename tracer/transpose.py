"""Transposed convolution in the course's style: explicit loops that emit trace events.

Where :func:`tracer.conv_forward` gathers an ``f x f`` window of its input into
one output cell, :func:`conv_transpose_forward` scatters: every input cell,
times the filter, is added into an ``f x f`` block of the *full* output,
starting at ``(h*stride, w*stride)``. Blocks overlap when ``f > stride`` and
their sums add up. Then ``pad`` rows and columns are cut from each side, and
the bias is added. Sizes, for height and width alike::

    n_H_full = (n_H_prev - 1) * stride + f + output_padding
    n_H = n_H_full - 2 * pad

``output_padding`` (``0 <= output_padding < stride``) adds rows and columns at
the bottom and right: a stride ``s`` convolution maps ``s`` input sizes to the
same output size, and ``output_padding`` picks which one to go back to.

This is what :func:`tracer.conv_backward` computes for ``dA_prev``: with the
filters' channel axes swapped, ``conv_transpose_forward(dZ, W.transpose(0, 1, 3, 2),
0, {"stride": s, "pad": p, "output_padding": (n_H_prev + 2*p - f) % s})`` equals
it. torch calls it ``conv_transpose2d``, with the weight laid out
``(n_C_prev, n_C, f, f)`` (``W.transpose(2, 3, 0, 1)``).

Each function's replay rule is registered beside its loop.
"""

from __future__ import annotations

import numpy as np

from . import recording
from .events import Crop, Scatter, ScatterBack, Uncrop
from .validate import ConvTransposeShapes, as_float, conv_transpose_backward_shapes, conv_transpose_shapes

__all__ = ["conv_transpose_forward", "conv_transpose_backward"]


def conv_transpose_forward(
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, hparameters: dict
) -> tuple[np.ndarray, tuple]:
    """Forward pass of a transposed convolution, one input cell at a time.

    Parameters
    ----------
    A_prev : ndarray, shape (m, n_H_prev, n_W_prev, n_C_prev)
        The input.
    W : ndarray, shape (f, f, n_C_prev, n_C)
        The ``n_C`` filters.
    b : ndarray, shape (1, 1, 1, n_C)
        Their biases.
    hparameters : dict
        ``{"stride": int >= 1, "pad": int >= 0}`` and optionally
        ``"output_padding"``, an int with ``0 <= output_padding < stride`` (default 0).

    Returns
    -------
    Z : ndarray, shape (m, n_H, n_W, n_C)
        ``n_H = (n_H_prev - 1) * stride - 2 * pad + f + output_padding``, the same for width.
    cache : tuple
        ``(A_prev, W, b, hparameters)`` for :func:`conv_transpose_backward`.

    Notes
    -----
    ``m * n_H_prev * n_W_prev * n_C`` Python-level steps; use
    :func:`tracer.fast.conv_transpose_forward` beyond lesson sizes.

    Examples
    --------
    >>> Z, cache = conv_transpose_forward(np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1)),
    ...                                   np.zeros((1, 1, 1, 1)), {"stride": 2, "pad": 0})
    >>> Z[0, :, :, 0]
    array([[1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.],
           [2., 2., 4., 2., 2.],
           [1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.]])
    """
    s = conv_transpose_shapes("conv_transpose_forward", A_prev, W, b, hparameters)
    A_prev, W, b = as_float(A_prev), as_float(W), as_float(b)  # integers and booleans become float64
    m, n_H_prev, n_W_prev, n_C, f, stride, pad = s.m, s.n_H_prev, s.n_W_prev, s.n_C, s.f, s.stride, s.pad
    n_H_full, n_W_full, n_H, n_W = s.n_H_full, s.n_W_full, s.n_H, s.n_W
    rec = recording.start(
        "conv_transpose_forward", {"A_prev": A_prev, "W": W, "b": b}, _params(s), (m, n_H_prev, n_W_prev, n_C),
        extra=1,  # the cut and the bias
    )
    emit = None if rec is None else rec.emit

    # --8<-- [start:conv_transpose_forward_loop]
    # the full output: output_padding adds rows and columns at the bottom and right
    Z_full = np.zeros((m, n_H_full, n_W_full, n_C))
    for i in range(m):  # every example
        for h in range(n_H_prev):  # every input row: its block starts stride rows lower
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W_prev):  # every input column: stride columns further right
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):  # every filter makes one output channel
                    a = A_prev[i, h, w, :]  # the input cell, all its channels
                    # the cell times the filter, summed over the input channels
                    block = np.sum(W[:, :, :, c] * a, axis=2)
                    Z_full[i, vert_start:vert_end, horiz_start:horiz_end, c] += block
                    if emit is not None:
                        emit((Scatter.code, i, h, w, c,
                              vert_start, vert_end, horiz_start, horiz_end))
    # cut pad rows and columns from each side, then add the bias
    Z = Z_full[:, pad:pad + n_H, pad:pad + n_W, :] + b
    if emit is not None:
        emit((Crop.code, pad, s.output_padding))
    # --8<-- [end:conv_transpose_forward_loop]

    cache = (A_prev, W, b, hparameters)
    if rec is not None:
        rec.done(Z=Z)
    return Z, cache


def _params(s: ConvTransposeShapes) -> dict[str, int]:
    """The recorded params; ``output_padding`` only when it is not 0 (figures name every param in their header)."""
    params = {"stride": s.stride, "pad": s.pad, "f": s.f}
    if s.output_padding:
        params["output_padding"] = s.output_padding
    return params


def full_shape(call: recording.Call) -> tuple[int, int, int, int]:
    """``(m, n_H_full, n_W_full, n_C)``: the full output of a recorded transposed convolution, before the cut."""
    p = call.params
    m, n_H_prev, n_W_prev, _ = call.arrays["A_prev"].shape
    n_C = call.arrays["W"].shape[3]
    grow = p["f"] + p.get("output_padding", 0)
    return (m, (n_H_prev - 1) * p["stride"] + grow, (n_W_prev - 1) * p["stride"] + grow, n_C)


def _crop(call: recording.Call, full: np.ndarray) -> np.ndarray:
    """``full`` without its ``pad`` outer rows and columns on each side."""
    pad = call.params["pad"]
    return full[:, pad : full.shape[1] - pad, pad : full.shape[2] - pad, :]


# Replay (see tracer.recording.ReplayRule): Scatter adds one block into Z_full; Crop writes Z.
def _forward_initial(call: recording.Call) -> dict[str, np.ndarray]:
    full = np.zeros(full_shape(call))
    return {"Z_full": full, "Z": np.full(_crop(call, full).shape, np.nan)}


def _forward_apply(call: recording.Call, state: dict[str, np.ndarray], event: Scatter | Crop) -> None:
    a = call.arrays
    if isinstance(event, Crop):
        state["Z"] = _crop(call, state["Z_full"]) + a["b"]
        return
    block = np.sum(a["W"][:, :, :, event.c] * a["A_prev"][event.i, event.h, event.w, :], axis=2)
    state["Z_full"][event.i, event.vert_start : event.vert_end, event.horiz_start : event.horiz_end, event.c] += block


recording.register_replay("conv_transpose_forward", _forward_initial, _forward_apply)


def conv_transpose_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of a transposed convolution, one input cell at a time.

    Parameters
    ----------
    dZ : ndarray, shape (m, n_H, n_W, n_C)
        Gradient of the cost with respect to the output ``Z`` of :func:`conv_transpose_forward`.
    cache : tuple
        ``(A_prev, W, b, hparameters)`` as returned by :func:`conv_transpose_forward`.

    Returns
    -------
    dA_prev : ndarray, shape (m, n_H_prev, n_W_prev, n_C_prev)
    dW : ndarray, shape (f, f, n_C_prev, n_C)
    db : ndarray, shape (1, 1, 1, n_C)

    Notes
    -----
    Every input cell reads back the block of the full output it wrote: so
    ``dA_prev`` is a (forward) convolution of ``dZ_full`` with the same filters,
    at the same stride.
    """
    s, (A_prev, W, b, hparameters) = conv_transpose_backward_shapes("conv_transpose_backward", dZ, cache)
    dZ, A_prev, W, b = as_float(dZ), as_float(A_prev), as_float(W), as_float(b)
    m, n_H_prev, n_W_prev, n_C, f, stride, pad = s.m, s.n_H_prev, s.n_W_prev, s.n_C, s.f, s.stride, s.pad
    n_H_full, n_W_full, n_H, n_W = s.n_H_full, s.n_W_full, s.n_H, s.n_W
    rec = recording.start(
        "conv_transpose_backward", {"dZ": dZ, "A_prev": A_prev, "W": W, "b": b}, _params(s),
        (m, n_H_prev, n_W_prev, n_C), extra=1,  # dZ_full and db
    )
    emit = None if rec is None else rec.emit

    # --8<-- [start:conv_transpose_backward_loop]
    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros(W.shape)
    db = np.zeros((1, 1, 1, n_C))
    # the bias was added once to every output cell
    db[0, 0, 0, :] = np.sum(dZ, axis=(0, 1, 2))
    # the cut rows and columns had no effect on Z: their gradient is zero
    dZ_full = np.zeros((m, n_H_full, n_W_full, n_C))
    dZ_full[:, pad:pad + n_H, pad:pad + n_W, :] = dZ
    if emit is not None:
        emit((Uncrop.code, pad, s.output_padding))
    for i in range(m):  # every example
        for h in range(n_H_prev):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W_prev):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    # the block that input cell (h, w) wrote in channel c,
                    # (f, f, 1): the same gradient for every input channel
                    g = dZ_full[i, vert_start:vert_end, horiz_start:horiz_end, c:c + 1]
                    dA_prev[i, h, w, :] += np.sum(W[:, :, :, c] * g, axis=(0, 1))
                    dW[:, :, :, c] += A_prev[i, h, w, :] * g
                    if emit is not None:
                        emit((ScatterBack.code, i, h, w, c,
                              vert_start, vert_end, horiz_start, horiz_end))
    # --8<-- [end:conv_transpose_backward_loop]

    if rec is not None:
        rec.done(dA_prev=dA_prev, dW=dW, db=db)
    return dA_prev, dW, db


# Replay: Uncrop writes dZ_full and db; each ScatterBack adds into dA_prev and dW.
def _backward_initial(call: recording.Call) -> dict[str, np.ndarray]:
    a = call.arrays
    return {
        "dZ_full": np.full(full_shape(call), np.nan),
        "dA_prev": np.zeros_like(a["A_prev"]),
        "dW": np.zeros_like(a["W"]),
        "db": np.zeros_like(a["b"]),
    }


def _backward_apply(call: recording.Call, state: dict[str, np.ndarray], event: Uncrop | ScatterBack) -> None:
    a = call.arrays
    if isinstance(event, Uncrop):
        state["dZ_full"] = np.zeros(full_shape(call))
        _crop(call, state["dZ_full"])[...] = a["dZ"]
        state["db"][0, 0, 0, :] = np.sum(a["dZ"], axis=(0, 1, 2))
        return
    i, h, w, c = event.i, event.h, event.w, event.c
    g = state["dZ_full"][i, event.vert_start : event.vert_end, event.horiz_start : event.horiz_end, c : c + 1]
    state["dA_prev"][i, h, w, :] += np.sum(a["W"][:, :, :, c] * g, axis=(0, 1))
    state["dW"][:, :, :, c] += a["A_prev"][i, h, w, :] * g


recording.register_replay("conv_transpose_backward", _backward_initial, _backward_apply)
