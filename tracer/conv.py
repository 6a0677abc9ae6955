"""The course's convolution and pooling functions, as explicit loops that emit trace events.

Layout NHWC: ``(m, n_H, n_W, n_C)``. Names, signatures, return values and
caches are the course's, so a learner can swap their own function for any of
these and compare. Output size, for height and width alike::

    n_H = floor((n_H_prev - f + 2 * pad) / stride) + 1

and output cell ``(h, w)`` reads rows ``h*stride : h*stride + f`` and columns
``w*stride : w*stride + f`` of the padded input. ``conv_forward`` and
``conv_backward`` also take an optional ``"dilation"`` key (see
:mod:`tracer.dilation`, whose loops they run when it is given).

Each loop computes a value and, on the next line, emits its event. With no
``tracer.record()`` block active, ``emit`` is ``None`` and the only extra cost
per window is that test. The helpers ``_zero_pad``, ``_single_step``,
``_mask`` and ``_distribute`` are the unchecked bodies of the public functions
of the same names; the loops call them so that the arguments are checked once
per call, not once per window.
"""

from __future__ import annotations

import numpy as np

from . import recording
from .events import ConvBackWindow, ConvWindow, Distribute, Mask, Pad, PoolBackWindow, PoolWindow, SingleStep
from .validate import (
    ConvShapes,
    as_float,
    check_allocation,
    check_array,
    check_int,
    conv_backward_shapes,
    conv_shapes,
    pool_backward_shapes,
    pool_shapes,
)

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
        columns ``w*stride + d*k``, ``k = 0 .. f-1`` (see :mod:`tracer.dilation`).

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
        from .dilation import dilated_conv_forward

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
        from .dilation import dilated_conv_backward

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
