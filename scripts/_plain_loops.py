"""Plain loops, as a learner writes them, for the functions beyond the course: dilated and
transposed convolution. ``scripts/bench_core.py`` times tracer's instrumented loops against these
(the course's own loops for the course's functions are in that script). No checks, no events.
"""

from __future__ import annotations

import numpy as np


def _pad(X: np.ndarray, pad: int) -> np.ndarray:
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=(0, 0))


def _single_step(a_slice_prev, W, b):
    s = np.multiply(a_slice_prev, W)
    Z = np.sum(s)
    return Z + b.item()


def dilated_conv_forward(A_prev, W, b, hparameters):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride, pad, d = hparameters["stride"], hparameters["pad"], hparameters["dilation"]
    n_H = (n_H_prev + 2 * pad - d * (f - 1) - 1) // stride + 1
    n_W = (n_W_prev + 2 * pad - d * (f - 1) - 1) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = _pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + d * (f - 1) + 1
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + d * (f - 1) + 1
                for c in range(n_C):
                    a_slice_prev = a_prev_pad[vert_start:vert_end:d, horiz_start:horiz_end:d, :]
                    weights = W[:, :, :, c]
                    biases = b[:, :, :, c]
                    Z[i, h, w, c] = _single_step(a_slice_prev, weights, biases)
    return Z, (A_prev, W, b, hparameters)


def dilated_conv_backward(dZ, cache):
    (A_prev, W, b, hparameters) = cache
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride, pad, d = hparameters["stride"], hparameters["pad"], hparameters["dilation"]
    (m, n_H, n_W, n_C) = dZ.shape
    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros(W.shape)
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad = _pad(A_prev, pad)
    dA_prev_pad = _pad(dA_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + d * (f - 1) + 1
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + d * (f - 1) + 1
                for c in range(n_C):
                    a_slice = a_prev_pad[vert_start:vert_end:d, horiz_start:horiz_end:d, :]
                    da_prev_pad[vert_start:vert_end:d, horiz_start:horiz_end:d, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        dA_prev[i, :, :, :] = da_prev_pad[pad : pad + n_H_prev, pad : pad + n_W_prev, :]
    return dA_prev, dW, db


def conv_transpose_forward(A_prev, W, b, hparameters):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    output_padding = hparameters.get("output_padding", 0)
    n_H_full = (n_H_prev - 1) * stride + f + output_padding
    n_W_full = (n_W_prev - 1) * stride + f + output_padding
    Z_full = np.zeros((m, n_H_full, n_W_full, n_C))
    for i in range(m):
        for h in range(n_H_prev):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W_prev):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a = A_prev[i, h, w, :]
                    Z_full[i, vert_start:vert_end, horiz_start:horiz_end, c] += np.sum(W[:, :, :, c] * a, axis=2)
    Z = Z_full[:, pad : n_H_full - pad, pad : n_W_full - pad, :] + b
    return Z, (A_prev, W, b, hparameters)


def conv_transpose_backward(dZ, cache):
    (A_prev, W, b, hparameters) = cache
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    output_padding = hparameters.get("output_padding", 0)
    (m, n_H, n_W, n_C) = dZ.shape
    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros(W.shape)
    db = np.zeros((1, 1, 1, n_C))
    db[0, 0, 0, :] = np.sum(dZ, axis=(0, 1, 2))
    n_H_full = (n_H_prev - 1) * stride + f + output_padding
    n_W_full = (n_W_prev - 1) * stride + f + output_padding
    dZ_full = np.zeros((m, n_H_full, n_W_full, n_C))
    dZ_full[:, pad : pad + n_H, pad : pad + n_W, :] = dZ
    for i in range(m):
        for h in range(n_H_prev):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W_prev):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    g = dZ_full[i, vert_start:vert_end, horiz_start:horiz_end, c : c + 1]
                    dA_prev[i, h, w, :] += np.sum(W[:, :, :, c] * g, axis=(0, 1))
                    dW[:, :, :, c] += A_prev[i, h, w, :] * g
    return dA_prev, dW, db
