"""A learner's file whose functions misbehave: they raise, return the wrong type, shape or tuple, modify
their input, hang, or forget to return."""

import numpy as np


def zero_pad(X, pad):
    raise NotImplementedError("zero_pad is not written yet")


def conv_single_step(a_slice_prev, W, b):
    return [np.sum(a_slice_prev * W) + b.item()]


def conv_forward(A_prev, W, b, hparameters):
    pad, stride = hparameters["pad"], hparameters["stride"]
    f, n_C = W.shape[0], W.shape[3]
    A_prev_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    m, H, Wd, _ = A_prev.shape
    n_H, n_W = (H - f + 2 * pad) // stride + 1, (Wd - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    for h in range(n_H):
        for w in range(n_W):
            window = A_prev_pad[:, h * stride:h * stride + f, w * stride:w * stride + f, :]
            Z[:, h, w, :] = np.tensordot(window, W, axes=3) + b[0, 0, 0]
    return Z, (A_prev, W, b, hparameters), A_prev_pad


def conv_backward(dZ, cache):
    while True:
        pass


def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    dA_prev = np.zeros(A_prev.shape)


def create_mask_from_window(x):
    mask = x == np.max(x)
    x -= np.max(x)
    return mask


def distribute_value(dz, shape):
    (n_H, n_W) = shape
    return np.ones((n_W, n_H)) * dz / (n_H * n_W)


if __name__ == "__main__":
    raise SystemExit("this block must not run when the file is checked")
