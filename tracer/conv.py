"""The course's convolution functions, as explicit loops that emit trace events.

Layout NHWC: ``(m, n_H, n_W, n_C)``. Names, signatures, return values and
caches are the course's, so a learner can swap their own function for any of
these and compare. Output size, for height and width alike::

    n_H = floor((n_H_prev - f + 2 * pad) / stride) + 1

and output cell ``(h, w)`` reads rows ``h*stride : h*stride + f`` and columns
``w*stride : w*stride + f`` of the padded input. ``conv_forward`` and
``conv_backward`` also take an optional ``"dilation"`` key, an int ``d >= 1``:
then they run the same loops with a spread window (the last two functions of
this module), output cell ``(h, w)`` reading rows ``h*stride + d*k`` and columns
``w*stride + d*k``, ``k = 0 .. f-1``::

    n_H = floor((n_H_prev + 2*pad - d*(f - 1) - 1) / stride) + 1

Pooling is in :mod:`tracer.pool`.

Each loop computes a value and, on the next line, emits its event. With no
``tracer.record()`` block active, ``emit`` is ``None`` and the only extra cost
per window is that test. The helpers ``_zero_pad`` and ``_single_step``
are the unchecked bodies of the public functions
of the same names; the loops call them so that the arguments are checked once
per call, not once per window.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import recording
from .events import ConvBackWindow, ConvWindow, Pad, SingleStep
from .validate import (
    ConvShapes,
    as_float,
    check_allocation,
    check_array,
    check_int,
    conv_backward_shapes,
    conv_shapes,
)

__all__ = [
    "zero_pad",
    "conv_single_step",
    "conv_forward",
    "conv_backward",
]


def _zero_pad(X: np.ndarray, pad: int) -> np.ndarray:
    # --8<-- [start:zero_pad]
    X_pad = np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)),
                   mode="constant", constant_values=(0, 0))
    # --8<-- [end:zero_pad]
    return X_pad


def zero_pad(X: np.ndarray, pad: int) -> np.ndarray:
    """Pad every image of ``X`` with zeros on height and width.

    Parameters
    ----------
    X : ndarray, shape (m, n_H, n_W, n_C)
    pad : int
        Rows and columns of zeros added on each side, ``pad >= 0``.

    Returns
    -------
    X_pad : ndarray, shape (m, n_H + 2*pad, n_W + 2*pad, n_C)

    Examples
    --------
    >>> zero_pad(np.ones((1, 1, 2, 1)), 1)[0, :, :, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 1., 0.],
           [0., 0., 0., 0.]])
    """
    pad = check_int("zero_pad", "pad", pad, 0)
    X = as_float(check_array("zero_pad", "X", X, 4, "(m, n_H, n_W, n_C)"))
    m, n_H, n_W, n_C = X.shape
    check_allocation("zero_pad", "X_pad", (m, n_H + 2 * pad, n_W + 2 * pad, n_C), "use a smaller pad")
    rec = recording.start("zero_pad", {"X": X}, {"pad": pad})
    X_pad = _zero_pad(X, pad)
    if rec is not None:
        rec.emit((Pad.code, pad))
        rec.done(X_pad=X_pad)
    return X_pad


def padded_input(call: recording.Call) -> np.ndarray:
    """The recorded call's ``A_prev`` padded by its ``pad``, computed once per call (for replay and drawing)."""
    return call.cached("A_prev_pad", lambda: _zero_pad(call.arrays["A_prev"], call.params["pad"]))


def _padded_shape(shape: tuple[int, ...], pad: int) -> tuple[int, ...]:
    m, n_H, n_W, n_C = shape
    return (m, n_H + 2 * pad, n_W + 2 * pad, n_C)


# Replay (see tracer.recording.ReplayRule): its one Pad event writes X_pad.
def _zero_pad_initial(call: recording.Call) -> dict[str, np.ndarray]:
    X = call.arrays["X"]
    return {"X": X, "X_pad": np.full(_padded_shape(X.shape, call.params["pad"]), np.nan)}


def _zero_pad_apply(call: recording.Call, state: dict[str, np.ndarray], event: Pad) -> None:
    state["X_pad"] = _zero_pad(call.arrays["X"], event.pad)


recording.register_replay("zero_pad", _zero_pad_initial, _zero_pad_apply)


def _single_step(a_slice_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.float64:
    # --8<-- [start:conv_single_step]
    s = np.multiply(a_slice_prev, W)  # window times filter, cell by cell
    Z = np.sum(s)  # summed over every cell and channel
    # plus the bias, once; the course's float(b) raises TypeError
    # on numpy >= 2.4 (1.25 to 2.3 only warn): b.item() works on all
    Z = Z + b.item()
    # --8<-- [end:conv_single_step]
    return Z


def conv_single_step(a_slice_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.float64:
    """One step of a convolution: one window times one filter, summed, plus the bias.

    Parameters
    ----------
    a_slice_prev : ndarray, shape (f, f, n_C_prev)
        The window of the input.
    W : ndarray, shape (f, f, n_C_prev)
        One filter.
    b : ndarray, shape (1, 1, 1)
        Its bias.

    Returns
    -------
    Z : numpy.float64
        ``sum(a_slice_prev * W) + b``.

    Examples
    --------
    >>> conv_single_step(np.ones((2, 2, 1)), np.full((2, 2, 1), 0.5), np.full((1, 1, 1), 1.0))
    np.float64(3.0)
    """
    fn = "conv_single_step"
    a_slice_prev = as_float(check_array(fn, "a_slice_prev", a_slice_prev, 3, "(f, f, n_C_prev)"))
    W = as_float(check_array(fn, "W", W, 3, "(f, f, n_C_prev)"))
    b = as_float(check_array(fn, "b", b, 3, "(1, 1, 1)"))
    if W.shape != a_slice_prev.shape:
        raise ValueError(f"{fn}: W must have the shape of a_slice_prev, {a_slice_prev.shape}, got {W.shape}")
    if b.shape != (1, 1, 1):
        raise ValueError(f"{fn}: b must have shape (1, 1, 1), got {b.shape}")
    rec = recording.start(fn, {"a_slice_prev": a_slice_prev, "W": W, "b": b}, {})
    Z = _single_step(a_slice_prev, W, b)
    if rec is not None:
        rec.emit((SingleStep.code, Z))
        rec.done(Z=np.asarray(Z))
    return Z


# Replay: its one SingleStep event writes Z.
def _single_step_apply(call: recording.Call, state: dict[str, np.ndarray], event: SingleStep) -> None:
    state["Z"] = np.array(event.value)


recording.register_replay("conv_single_step", lambda call: {"Z": np.array(np.nan)}, _single_step_apply)


def conv_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, hparameters: dict) -> tuple[np.ndarray, tuple]:
    """Forward pass of a convolution layer, one window at a time.

    Parameters
    ----------
    A_prev : ndarray, shape (m, n_H_prev, n_W_prev, n_C_prev)
        Activations of the previous layer.
    W : ndarray, shape (f, f, n_C_prev, n_C)
        The ``n_C`` filters.
    b : ndarray, shape (1, 1, 1, n_C)
        Their biases.
    hparameters : dict
        ``{"stride": int >= 1, "pad": int >= 0}``, and optionally ``"dilation"``,
        an int ``d >= 1``: the window then reads rows ``h*stride + d*k`` and
        columns ``w*stride + d*k``, ``k = 0 .. f-1`` (the dilated loops below).

    Returns
    -------
    Z : ndarray, shape (m, n_H, n_W, n_C)
        With ``n_H = (n_H_prev - f + 2*pad) // stride + 1``, the same for width;
        dilated, ``n_H = (n_H_prev + 2*pad - d*(f - 1) - 1) // stride + 1``.
    cache : tuple
        ``(A_prev, W, b, hparameters)`` for :func:`conv_backward`.

    Notes
    -----
    Costs ``m * n_H * n_W * n_C`` Python-level steps of about 5 us each; use
    :func:`tracer.fast.conv_forward` beyond lesson sizes.
    """
    s = conv_shapes("conv_forward", A_prev, W, b, hparameters)
    A_prev, W, b = as_float(A_prev), as_float(W), as_float(b)  # integers and booleans become float64
    m, n_H, n_W, n_C, f, stride, pad = s.m, s.n_H, s.n_W, s.n_C, s.f, s.stride, s.pad
    rec = recording.start(
        "conv_forward", {"A_prev": A_prev, "W": W, "b": b}, _params(s, hparameters), (m, n_H, n_W, n_C),
        extra=1,  # the padding step
    )
    emit = None if rec is None else rec.emit
    if "dilation" in hparameters:  # the same loop with a spread window
        Z = dilated_conv_forward(A_prev, W, b, s, emit)
        if rec is not None:
            rec.done(Z=Z)
        return Z, (A_prev, W, b, hparameters)

    # --8<-- [start:conv_forward_loop]
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = _zero_pad(A_prev, pad)
    if emit is not None:
        emit((Pad.code, pad))
    for i in range(m):  # every example
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):  # every output row: down by stride
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):  # every output column: right by stride
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):  # every filter makes one output channel
                    a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    weights = W[:, :, :, c]
                    biases = b[:, :, :, c]
                    Z[i, h, w, c] = z = _single_step(a_slice_prev, weights, biases)
                    if emit is not None:
                        emit((ConvWindow.code, i, h, w, c,
                              vert_start, vert_end, horiz_start, horiz_end, z))
    # --8<-- [end:conv_forward_loop]

    cache = (A_prev, W, b, hparameters)
    if rec is not None:
        rec.done(Z=Z)
    return Z, cache


def _params(s: ConvShapes, hparameters: dict) -> dict[str, int]:
    """The recorded params: the dilation only when given (an undilated call records what it always did)."""
    params = {"stride": s.stride, "pad": s.pad, "f": s.f}
    if "dilation" in hparameters:
        params["dilation"] = s.dilation
    return params


def _conv_forward_initial(call: recording.Call) -> dict[str, np.ndarray]:
    shape = _padded_shape(call.arrays["A_prev"].shape, call.params["pad"])
    return {"A_prev_pad": np.full(shape, np.nan), "Z": np.full_like(call.result["Z"], np.nan)}


def _conv_forward_apply(call: recording.Call, state: dict[str, np.ndarray], event: Pad | ConvWindow) -> None:
    if isinstance(event, Pad):  # the loop pads A_prev first
        state["A_prev_pad"] = padded_input(call).copy()
    else:
        state["Z"][event.i, event.h, event.w, event.c] = event.value


recording.register_replay("conv_forward", _conv_forward_initial, _conv_forward_apply)


def conv_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of a convolution layer, one window at a time.

    Parameters
    ----------
    dZ : ndarray, shape (m, n_H, n_W, n_C)
        Gradient of the cost with respect to the output ``Z`` of :func:`conv_forward`.
    cache : tuple
        ``(A_prev, W, b, hparameters)`` as returned by :func:`conv_forward`; a
        ``"dilation"`` key in ``hparameters`` runs the dilated loop.

    Returns
    -------
    dA_prev : ndarray, shape (m, n_H_prev, n_W_prev, n_C_prev)
    dW : ndarray, shape (f, f, n_C_prev, n_C)
    db : ndarray, shape (1, 1, 1, n_C)
    """
    s, (A_prev, W, b, hparameters) = conv_backward_shapes("conv_backward", dZ, cache)
    dZ, A_prev, W, b = as_float(dZ), as_float(A_prev), as_float(W), as_float(b)
    m, n_H, n_W, n_C, f, stride, pad = s.m, s.n_H, s.n_W, s.n_C, s.f, s.stride, s.pad
    n_H_prev, n_W_prev = s.n_H_prev, s.n_W_prev
    rec = recording.start(
        "conv_backward",
        {"dZ": dZ, "A_prev": A_prev, "W": W, "b": b},
        _params(s, hparameters),
        (m, n_H, n_W, n_C),
    )
    emit = None if rec is None else rec.emit
    if "dilation" in hparameters:  # the same loop with a spread window
        dA_prev, dW, db = dilated_conv_backward(dZ, A_prev, W, s, emit)
        if rec is not None:
            rec.done(dA_prev=dA_prev, dW=dW, db=db)
        return dA_prev, dW, db

    # --8<-- [start:conv_backward_loop]
    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros(W.shape)
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad = _zero_pad(A_prev, pad)
    dA_prev_pad = _zero_pad(dA_prev, pad)
    for i in range(m):  # every example
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    # the window that made Z[i, h, w, c] gets its gradient
                    a_slice = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
                    if emit is not None:
                        emit((ConvBackWindow.code, i, h, w, c,
                              vert_start, vert_end, horiz_start, horiz_end,
                              dZ[i, h, w, c]))
        # cut the padding away; [pad:-pad] would be empty when pad == 0
        dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    # --8<-- [end:conv_backward_loop]

    if rec is not None:
        rec.done(dA_prev=dA_prev, dW=dW, db=db)
    return dA_prev, dW, db


def _conv_backward_initial(call: recording.Call) -> dict[str, np.ndarray]:
    a = call.arrays
    return {
        "dA_prev_pad": np.zeros(_padded_shape(a["A_prev"].shape, call.params["pad"])),
        "dA_prev": np.zeros_like(a["A_prev"]),
        "dW": np.zeros_like(a["W"]),
        "db": np.zeros_like(a["b"]),
    }


def _conv_backward_apply(call: recording.Call, state: dict[str, np.ndarray], event: ConvBackWindow) -> None:
    # the three additions of the loop's innermost step, then its cut of the padding;
    # a dilated window reads every dilation-th row and column of its span
    a, pad, d = call.arrays, call.params["pad"], call.params.get("dilation", 1)
    i, c, g = event.i, event.c, event.grad
    rows, cols = slice(event.vert_start, event.vert_end, d), slice(event.horiz_start, event.horiz_end, d)
    a_slice = padded_input(call)[i, rows, cols, :]
    state["dA_prev_pad"][i, rows, cols, :] += a["W"][:, :, :, c] * g
    state["dW"][:, :, :, c] += a_slice * g
    state["db"][:, :, :, c] += g
    n_H_prev, n_W_prev = a["A_prev"].shape[1:3]
    state["dA_prev"][i] = state["dA_prev_pad"][i, pad : pad + n_H_prev, pad : pad + n_W_prev, :]


recording.register_replay("conv_backward", _conv_backward_initial, _conv_backward_apply)


# Dilation: the same loops with a spread window (conv_forward and conv_backward run them when
# hparameters holds a "dilation" key). Two lines change: a window spans d * (f - 1) + 1 rows and
# columns, and the slice reads every d-th of them. The events are the undilated loops', with
# vert_end and horiz_end the end of the span; the recorded params hold the dilation.


def dilated_conv_forward(
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, s: ConvShapes, emit: Callable[[tuple], None] | None
) -> np.ndarray:
    """The loop of :func:`tracer.conv_forward` with a window dilated by ``s.dilation``; returns ``Z``."""
    m, n_H, n_W, n_C, f, stride, pad, dilation = s.m, s.n_H, s.n_W, s.n_C, s.f, s.stride, s.pad, s.dilation

    # --8<-- [start:dilated_forward_loop]
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = _zero_pad(A_prev, pad)
    if emit is not None:
        emit((Pad.code, pad))
    for i in range(m):  # every example
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):  # every output row: down by stride
            vert_start = h * stride
            vert_end = vert_start + dilation * (f - 1) + 1
            for w in range(n_W):  # every output column: right by stride
                horiz_start = w * stride
                horiz_end = horiz_start + dilation * (f - 1) + 1
                for c in range(n_C):  # every filter makes one output channel
                    # every dilation-th row and column: f x f cells
                    a_slice_prev = a_prev_pad[vert_start:vert_end:dilation,
                                              horiz_start:horiz_end:dilation, :]
                    weights = W[:, :, :, c]
                    biases = b[:, :, :, c]
                    Z[i, h, w, c] = z = _single_step(a_slice_prev, weights, biases)
                    if emit is not None:
                        emit((ConvWindow.code, i, h, w, c,
                              vert_start, vert_end, horiz_start, horiz_end, z))
    # --8<-- [end:dilated_forward_loop]
    return Z


def dilated_conv_backward(
    dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray, s: ConvShapes, emit: Callable[[tuple], None] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The loop of :func:`tracer.conv_backward` with a window dilated by ``s.dilation``."""
    m, n_H, n_W, n_C, f, stride, pad, dilation = s.m, s.n_H, s.n_W, s.n_C, s.f, s.stride, s.pad, s.dilation
    n_H_prev, n_W_prev = s.n_H_prev, s.n_W_prev

    # --8<-- [start:dilated_backward_loop]
    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros(W.shape)
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad = _zero_pad(A_prev, pad)
    dA_prev_pad = _zero_pad(dA_prev, pad)
    for i in range(m):  # every example
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + dilation * (f - 1) + 1
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + dilation * (f - 1) + 1
                for c in range(n_C):
                    # the f x f cells that made Z[i, h, w, c] get their gradient
                    a_slice = a_prev_pad[vert_start:vert_end:dilation,
                                         horiz_start:horiz_end:dilation, :]
                    da_prev_pad[vert_start:vert_end:dilation,
                                horiz_start:horiz_end:dilation, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
                    if emit is not None:
                        emit((ConvBackWindow.code, i, h, w, c,
                              vert_start, vert_end, horiz_start, horiz_end,
                              dZ[i, h, w, c]))
        # cut the padding away; [pad:-pad] would be empty when pad == 0
        dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    # --8<-- [end:dilated_backward_loop]
    return dA_prev, dW, db
