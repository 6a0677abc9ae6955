"""Dilated convolution: the course's loops with a spread window.

:func:`tracer.conv_forward` and :func:`tracer.conv_backward` run these loops
when ``hparameters`` holds a ``"dilation"`` key, an int ``d >= 1`` (without it
they run the course's own loops, word for word). Two lines change: a window
spans ``d * (f - 1) + 1`` rows and columns, and the slice reads every ``d``-th
of them, so output cell ``(h, w)`` reads rows ``h*stride + d*k`` and columns
``w*stride + d*k``, ``k = 0 .. f-1``, of the padded input::

    n_H = floor((n_H_prev + 2*pad - d*(f - 1) - 1) / stride) + 1

The events are those of the undilated loops (:class:`tracer.events.ConvWindow`,
:class:`tracer.events.ConvBackWindow`), with ``vert_end`` and ``horiz_end`` the
end of the span; the recorded call's ``params`` hold the ``dilation``, so
replay, text pictures and figures read ``call.params.get("dilation", 1)``.
With ``d = 1`` the results and events equal the course loops'.

The arguments are checked by the public functions before these loops run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .conv import _single_step, _zero_pad
from .events import ConvBackWindow, ConvWindow, Pad
from .validate import ConvShapes

#: Not re-exported by ``tracer``: learners call conv_forward and conv_backward with a "dilation" key.
__all__ = ["span", "dilated_conv_forward", "dilated_conv_backward"]


def span(f: int, dilation: int) -> int:
    """Rows (and columns) a window of an ``f x f`` filter dilated by ``dilation`` spans."""
    return dilation * (f - 1) + 1


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
