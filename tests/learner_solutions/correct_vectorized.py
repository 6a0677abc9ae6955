"""A correct solution written unlike the course: vectorized over examples and channels, other loop orders."""

import numpy as np


def zero_pad(X, pad):
    m, n_H, n_W, n_C = X.shape
    X_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), dtype=X.dtype)
    X_pad[:, pad:pad + n_H, pad:pad + n_W, :] = X
    return X_pad


def conv_single_step(a_slice_prev, W, b):
    return np.einsum("ijk,ijk->", a_slice_prev, W) + b[0, 0, 0]


def conv_forward(A_prev, W, b, hparameters):
    s, p = hparameters["stride"], hparameters["pad"]
    f, n_C = W.shape[0], W.shape[3]
    m, H, Wd, _ = A_prev.shape
    n_H, n_W = (H - f + 2 * p) // s + 1, (Wd - f + 2 * p) // s + 1
    X = zero_pad(A_prev, p)
    Z = np.empty((m, n_H, n_W, n_C))
    for w in range(n_W):  # columns first
        for h in range(n_H):
            window = X[:, h * s:h * s + f, w * s:w * s + f, :]  # every example at once
            Z[:, h, w, :] = np.tensordot(window, W, axes=([1, 2, 3], [0, 1, 2])) + b[0, 0, 0, :]
    return Z, (A_prev, W, b, hparameters)


def conv_backward(dZ, cache):
    A_prev, W, b, hparameters = cache
    s, p = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    m, n_H, n_W, n_C = dZ.shape
    X = zero_pad(A_prev, p)
    dX = np.zeros_like(X)
    dW = np.zeros_like(W)
    for c in range(n_C):  # channels outermost
        for h in range(n_H):
            for w in range(n_W):
                g = dZ[:, h, w, c]  # (m,)
                window = X[:, h * s:h * s + f, w * s:w * s + f, :]
                dX[:, h * s:h * s + f, w * s:w * s + f, :] += g[:, None, None, None] * W[None, :, :, :, c]
                dW[:, :, :, c] += np.tensordot(g, window, axes=(0, 0))
    db = dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, n_C)
    H, Wd = A_prev.shape[1:3]
    return dX[:, p:p + H, p:p + Wd, :], dW, db


def pool_forward(A_prev, hparameters, mode="max"):
    f, s = hparameters["f"], hparameters["stride"]
    m, H, Wd, n_C = A_prev.shape
    n_H, n_W = (H - f) // s + 1, (Wd - f) // s + 1
    reduce = {"max": np.max, "average": np.mean}[mode]
    A = np.empty((m, n_H, n_W, n_C))
    for h in range(n_H):
        for w in range(n_W):
            A[:, h, w, :] = reduce(A_prev[:, h * s:h * s + f, w * s:w * s + f, :], axis=(1, 2))
    return A, (A_prev, hparameters)


def create_mask_from_window(x):
    return x >= x.max()


def distribute_value(dz, shape):
    return np.full(shape, dz / np.prod(shape))


def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    f, s = hparameters["f"], hparameters["stride"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for h in range(n_H):
        for w in range(n_W):
            window = A_prev[:, h * s:h * s + f, w * s:w * s + f, :]
            g = dA[:, h, w, :][:, None, None, :]
            if mode == "max":
                mask = window == window.max(axis=(1, 2), keepdims=True)
                dA_prev[:, h * s:h * s + f, w * s:w * s + f, :] += mask * g
            else:
                dA_prev[:, h * s:h * s + f, w * s:w * s + f, :] += g / (f * f)
    return dA_prev
