"""Known mistakes in learners' versions of the course functions, reproduced.

Each :class:`Trap` pairs a cause (one sentence a learner can act on) with a
*variant*: the course function written the way a learner would, with exactly
that mistake and nothing else wrong. :func:`tracer.check` runs the variants of
a failing function on the same inputs as the learner's; a variant that
reproduces the learner's results is evidence for its cause.

The variants are plain course-style loops without input checks, so that they
fail (or not) the way a learner's code does: ``pad:-pad`` really produces an
empty slice, a window-start index really runs past the end of ``dA``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

__all__ = ["Trap", "TRAPS"]


@dataclass(frozen=True)
class Trap:
    """One known mistake in one course function.

    Attributes
    ----------
    key : str
        Short identifier, e.g. ``"bias_inside"``.
    function : str
        The course function it applies to.
    cause : str
        What the mistake is, in the learner's words.
    fix : str
        What to write instead.
    variant : callable
        The course function with this mistake, same signature.
    """

    key: str
    function: str
    cause: str
    fix: str
    variant: Callable

    def __repr__(self) -> str:
        return f"Trap({self.function}: {self.key})"


# ----------------------------------------------------------------------------------------------
# Course-style loops with switches for the mistakes. With every switch off each one is the course
# function; the traps below turn exactly one switch on.


def _zero_pad(X, pad, *, all_axes=False):
    if all_axes:
        return np.pad(X, pad, mode="constant", constant_values=0)
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=(0, 0))


def _single_step(a_slice_prev, W, b, *, bias_inside=False, float_b=False, bias_array=False):
    if bias_inside:
        return np.sum(a_slice_prev * W + b)
    Z = np.sum(np.multiply(a_slice_prev, W))
    if float_b:
        return Z + float(b)  # the course's line: TypeError on numpy >= 2.4 for b of shape (1, 1, 1)
    if bias_array:
        return Z + b  # an array of shape (1, 1, 1), not a number
    return Z + b.item()


def _conv_forward(A_prev, W, b, hparameters, *, bias_inside=False, float_b=False, no_stride=False, swap_hw=False):
    if swap_hw:
        (m, n_W_prev, n_H_prev, n_C_prev) = A_prev.shape
    else:
        (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = int((n_H_prev - f + 2 * pad) / stride) + 1
    n_W = int((n_W_prev - f + 2 * pad) / stride) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = _zero_pad(A_prev, pad)
    step = 1 if no_stride else stride
    for i in range(m):
        for h in range(n_H):
            vert_start = h * step
            for w in range(n_W):
                horiz_start = w * step
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, vert_start : vert_start + f, horiz_start : horiz_start + f, :]
                    Z[i, h, w, c] = _single_step(
                        a_slice_prev, W[:, :, :, c], b[:, :, :, c], bias_inside=bias_inside, float_b=float_b
                    )
    return Z, (A_prev, W, b, hparameters)


def _pool_forward(A_prev, hparameters, mode="max", *, no_stride=False, swap_hw=False, average_name="average"):
    if swap_hw:
        (m, n_W_prev, n_H_prev, n_C_prev) = A_prev.shape
    else:
        (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C_prev))
    step = 1 if no_stride else stride
    for i in range(m):
        for h in range(n_H):
            vert_start = h * step
            for w in range(n_W):
                horiz_start = w * step
                for c in range(n_C_prev):
                    a_prev_slice = A_prev[i, vert_start : vert_start + f, horiz_start : horiz_start + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_prev_slice)
                    elif mode == average_name:
                        A[i, h, w, c] = np.mean(a_prev_slice)
    return A, (A_prev, hparameters)


def _conv_backward(dZ, cache, *, pad_slice=False, no_stride=False, swap_hw=False):
    (A_prev, W, b, hparameters) = cache
    if swap_hw:
        (m, n_W_prev, n_H_prev, n_C_prev) = A_prev.shape
        (m, n_W, n_H, n_C) = dZ.shape
    else:
        (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
        (m, n_H, n_W, n_C) = dZ.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    dA_prev = np.zeros((m, n_H_prev, n_W_prev, n_C_prev))
    dW = np.zeros((f, f, n_C_prev, n_C))
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad = _zero_pad(A_prev, pad)
    dA_prev_pad = _zero_pad(dA_prev, pad)
    step = 1 if no_stride else stride
    for i in range(m):
        a_prev_pad, da_prev_pad = A_prev_pad[i], dA_prev_pad[i]
        for h in range(n_H):
            vs = h * step
            for w in range(n_W):
                hs = w * step
                for c in range(n_C):
                    a_slice = a_prev_pad[vs : vs + f, hs : hs + f, :]
                    da_prev_pad[vs : vs + f, hs : hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        if pad_slice:
            dA_prev[i, :, :, :] = da_prev_pad[pad:-pad, pad:-pad, :]
        else:
            dA_prev[i, :, :, :] = da_prev_pad[pad : pad + n_H_prev, pad : pad + n_W_prev, :]
    return dA_prev, dW, db


def _mask(x, *, argmax=False):
    if argmax:
        mask = np.zeros(x.shape, dtype=bool)
        mask[np.unravel_index(np.argmax(x), x.shape)] = True
        return mask
    return x == np.max(x)


def _distribute(dz, shape, *, precedence=False):
    (n_H, n_W) = shape
    average = dz / n_H * n_W if precedence else dz / (n_H * n_W)
    return np.ones(shape) * average


def _pool_backward(dA, cache, mode="max", *, window_start=False, argmax=False, no_stride=False, swap_hw=False,
                   average_name="average"):
    (A_prev, hparameters) = cache
    stride, f = hparameters["stride"], hparameters["f"]
    if swap_hw:
        m, n_W_prev, n_H_prev, n_C_prev = A_prev.shape
        m, n_W, n_H, n_C = dA.shape
    else:
        m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
        m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros((m, n_H_prev, n_W_prev, n_C_prev))
    step = 1 if no_stride else stride
    for i in range(m):
        a_prev = A_prev[i]
        for h in range(n_H):
            vs = h * step
            for w in range(n_W):
                hs = w * step
                for c in range(n_C):
                    da = dA[i, vs, hs, c] if window_start else dA[i, h, w, c]
                    if mode == "max":
                        mask = _mask(a_prev[vs : vs + f, hs : hs + f, c], argmax=argmax)
                        dA_prev[i, vs : vs + f, hs : hs + f, c] += mask * da
                    elif mode == average_name:
                        dA_prev[i, vs : vs + f, hs : hs + f, c] += _distribute(da, (f, f))
    return dA_prev


def _conv_transpose_forward(A_prev, W, b, hparameters, *, pad_slice=False, no_stride=False, flip=False):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    op = hparameters.get("output_padding", 0)
    n_H_full, n_W_full = (n_H_prev - 1) * stride + f + op, (n_W_prev - 1) * stride + f + op
    Z_full = np.zeros((m, n_H_full, n_W_full, n_C))
    K = W[::-1, ::-1] if flip else W  # flip: the filter turned round, as for a "true" convolution
    step = 1 if no_stride else stride
    for i in range(m):
        for h in range(n_H_prev):
            vs = h * step
            for w in range(n_W_prev):
                hs = w * step
                for c in range(n_C):
                    Z_full[i, vs : vs + f, hs : hs + f, c] += np.sum(K[:, :, :, c] * A_prev[i, h, w, :], axis=2)
    if pad_slice:
        Z = Z_full[:, pad:-pad, pad:-pad, :] + b
    else:
        Z = Z_full[:, pad : n_H_full - pad, pad : n_W_full - pad, :] + b
    return Z, (A_prev, W, b, hparameters)


def _conv_transpose_backward(dZ, cache, *, no_stride=False, flip=False):
    (A_prev, W, b, hparameters) = cache
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    op = hparameters.get("output_padding", 0)
    n_H_full, n_W_full = (n_H_prev - 1) * stride + f + op, (n_W_prev - 1) * stride + f + op
    dZ_full = np.zeros((m, n_H_full, n_W_full, n_C))
    dZ_full[:, pad : pad + dZ.shape[1], pad : pad + dZ.shape[2], :] = dZ
    dA_prev, dW = np.zeros(A_prev.shape), np.zeros(W.shape)
    db = np.sum(dZ, axis=(0, 1, 2)).reshape(1, 1, 1, n_C)
    K = W[::-1, ::-1] if flip else W
    step = 1 if no_stride else stride
    for i in range(m):
        for h in range(n_H_prev):
            vs = h * step
            for w in range(n_W_prev):
                hs = w * step
                for c in range(n_C):
                    g = dZ_full[i, vs : vs + f, hs : hs + f, c : c + 1]
                    dA_prev[i, h, w, :] += np.sum(K[:, :, :, c] * g, axis=(0, 1))
                    dW[:, :, :, c] += (A_prev[i, h, w, :] * g)[::-1, ::-1] if flip else A_prev[i, h, w, :] * g
    return dA_prev, dW, db


# ----------------------------------------------------------------------------------------------

_NO_STRIDE = (
    "the stride is left out of the window bounds: the window starts at h and w instead of "
    "h * stride and w * stride, so the windows overlap wrongly when stride > 1",
    "vert_start = h * stride; horiz_start = w * stride",
)
_SWAP = (
    "a shape is unpacked in the wrong order (height and width swapped), which only shows on "
    "inputs that are not square",
    "(m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape, in this order (NHWC)",
)
_FLIP = (
    "the filter is turned round (W[::-1, ::-1]), as a convolution textbook flips its kernel; the scatter "
    "adds the filter as it is, the same filter conv_backward adds for dA_prev",
    "block = np.sum(W[:, :, :, c] * a, axis=2), with W unflipped",
)
_MODE = (
    "mode 'average' is spelled differently in your if/elif (e.g. 'avg' or 'mean'), so no branch "
    "runs and the output silently stays zeros: an unknown mode should raise an error",
    "compare with the exact string mode == \"average\", and raise ValueError in a final else",
)


def _trap(key: str, function: str, cause: str, fix: str, variant: Callable) -> Trap:
    return Trap(key, function, cause, fix, variant)


#: The known traps of every course function, tried in this order.
TRAPS: dict[str, tuple[Trap, ...]] = {
    "zero_pad": (
        _trap("pad_all_axes", "zero_pad",
              "np.pad(X, pad) pads every axis, so the examples and channels get padded too",
              "np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))", partial(_zero_pad, all_axes=True)),
    ),
    "conv_single_step": (
        _trap("bias_inside", "conv_single_step",
              "the bias is added inside the sum (np.sum(a * W + b)), so it counts f*f*n_C_prev times instead of once",
              "Z = np.sum(a_slice_prev * W) + b.item()", partial(_single_step, bias_inside=True)),
        _trap("float_b", "conv_single_step",
              "float(b) raises TypeError on numpy 2.4 and later (1.25 to 2.3 only warn), which no longer convert "
              "an array of shape (1, 1, 1) "
              "to a Python float", "Z = Z + b.item()  (or np.squeeze(b))", partial(_single_step, float_b=True)),
        _trap("bias_array", "conv_single_step",
              "b (shape (1, 1, 1)) is added as an array, so the result is an array and not a number",
              "Z = Z + b.item()", partial(_single_step, bias_array=True)),
    ),
    "conv_forward": (
        _trap("bias_inside", "conv_forward",
              "the bias is added inside the sum (np.sum(a * W + b)), so it counts f*f*n_C_prev times instead of once",
              "Z = np.sum(a_slice_prev * W) + b.item()", partial(_conv_forward, bias_inside=True)),
        _trap("float_b", "conv_forward",
              "float(b) raises TypeError on numpy 2.4 and later (1.25 to 2.3 only warn), which no longer convert "
              "an array of shape (1, 1, 1) "
              "to a Python float", "Z = Z + b.item()  (or np.squeeze(b))", partial(_conv_forward, float_b=True)),
        _trap("no_stride", "conv_forward", *_NO_STRIDE, partial(_conv_forward, no_stride=True)),
        _trap("swap_hw", "conv_forward", *_SWAP, partial(_conv_forward, swap_hw=True)),
    ),
    "conv_backward": (
        _trap("pad_slice", "conv_backward",
              "the padding is cut with [pad:-pad], which is empty when pad == 0 (-0 is 0)",
              "da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]", partial(_conv_backward, pad_slice=True)),
        _trap("no_stride", "conv_backward", *_NO_STRIDE, partial(_conv_backward, no_stride=True)),
        _trap("swap_hw", "conv_backward", *_SWAP, partial(_conv_backward, swap_hw=True)),
    ),
    "pool_forward": (
        _trap("no_stride", "pool_forward", *_NO_STRIDE, partial(_pool_forward, no_stride=True)),
        _trap("swap_hw", "pool_forward", *_SWAP, partial(_pool_forward, swap_hw=True)),
        _trap("unknown_mode", "pool_forward", *_MODE, partial(_pool_forward, average_name="avg")),
    ),
    "pool_backward": (
        _trap("window_start", "pool_backward",
              "dA is indexed by the window's start, dA[i, vert_start, horiz_start, c], instead of by the "
              "output cell dA[i, h, w, c]: the same only when stride == 1",
              "da = dA[i, h, w, c]", partial(_pool_backward, window_start=True)),
        _trap("argmax_ties", "pool_backward",
              "ties are handled unlike the course: the gradient goes to one maximum (argmax), while the course's "
              "mask (x == np.max(x)) sends it to every tied maximum",
              "mask = (a_prev_slice == np.max(a_prev_slice))", partial(_pool_backward, argmax=True)),
        _trap("no_stride", "pool_backward", *_NO_STRIDE, partial(_pool_backward, no_stride=True)),
        _trap("swap_hw", "pool_backward", *_SWAP, partial(_pool_backward, swap_hw=True)),
        _trap("unknown_mode", "pool_backward", *_MODE, partial(_pool_backward, average_name="avg")),
    ),
    "create_mask_from_window": (
        _trap("argmax_ties", "create_mask_from_window",
              "ties are handled unlike the course: only one maximum is marked (argmax), while the course marks "
              "every cell equal to the maximum", "mask = (x == np.max(x))", partial(_mask, argmax=True)),
    ),
    "conv_transpose_forward": (
        _trap("pad_slice", "conv_transpose_forward",
              "the padding is cut with [pad:-pad], which is empty when pad == 0 (-0 is 0)",
              "Z_full[:, pad:pad + n_H, pad:pad + n_W, :]", partial(_conv_transpose_forward, pad_slice=True)),
        _trap("no_stride", "conv_transpose_forward",
              "the stride is left out of the blocks' start: input cell (h, w) writes its block at (h, w) "
              "instead of (h * stride, w * stride)", "vert_start = h * stride; horiz_start = w * stride",
              partial(_conv_transpose_forward, no_stride=True)),
        _trap("flip", "conv_transpose_forward", *_FLIP, partial(_conv_transpose_forward, flip=True)),
    ),
    "conv_transpose_backward": (
        _trap("no_stride", "conv_transpose_backward",
              "the stride is left out of the blocks' start: input cell (h, w) reads back the block at (h, w) "
              "instead of (h * stride, w * stride)", "vert_start = h * stride; horiz_start = w * stride",
              partial(_conv_transpose_backward, no_stride=True)),
        _trap("flip", "conv_transpose_backward", *_FLIP, partial(_conv_transpose_backward, flip=True)),
    ),
    "distribute_value": (
        _trap("precedence", "distribute_value",
              "dz / n_H * n_W divides by n_H and then multiplies by n_W", "average = dz / (n_H * n_W)",
              partial(_distribute, precedence=True)),
    ),
}
