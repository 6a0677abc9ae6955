"""A learner's convolution notebook, exported: the convolution is right, the pooling half is not.

The average pooling divides by f instead of f*f, distribute_value adds the window's sides
instead of multiplying them, and pool_backward reads dA at the window's start. pool_backward
spreads the average itself (ones / (f*f)) rather than calling distribute_value.
"""

import numpy as np

BUGS = {
    "pool_forward": {"missing factor"},              # average: sum / f, not sum / (f * f)
    "distribute_value": {"wrong operator"},          # dz / (n_H + n_W)
    "pool_backward": {"window start as index"},      # dA[i, vert_start, horiz_start, c]
}
BATCH = "C"


# GRADED FUNCTION: zero_pad
def zero_pad(X, pad):
    return np.pad(X, [(0, 0), (pad, pad), (pad, pad), (0, 0)], 'constant', constant_values=(0, 0))


# GRADED FUNCTION: conv_single_step
def conv_single_step(a_slice_prev, W, b):
    Z = np.sum(np.multiply(a_slice_prev, W)) + b.item()
    return Z


# GRADED FUNCTION: conv_forward
def conv_forward(A_prev, W, b, hparameters):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    n_H = int((n_H_prev + 2 * pad - f) / stride + 1)
    n_W = int((n_W_prev + 2 * pad - f) / stride + 1)
    Z = np.zeros([m, n_H, n_W, n_C])
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i, :, :, :]
        for h in range(n_H):
            vert_start = stride * h
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = stride * w
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    weights = W[:, :, :, c]
                    biases = b[:, :, :, c]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, weights, biases)
    cache = (A_prev, W, b, hparameters)
    return Z, cache


# GRADED FUNCTION: pool_forward
def pool_forward(A_prev, hparameters, mode="max"):
    (m, n_H_prev, n_W_prev, n_C) = A_prev.shape
    f = hparameters["f"]
    stride = hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    n_C = n_C
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_prev_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.sum(a_prev_slice) / f  # BUG: a window has f*f cells, not f
    cache = (A_prev, hparameters)
    return A, cache


# GRADED FUNCTION: create_mask_from_window
def create_mask_from_window(x):
    return x == np.max(x)


# GRADED FUNCTION: distribute_value
def distribute_value(dz, shape):
    (n_H, n_W) = shape
    average = dz / (n_H + n_W)  # BUG: + where the number of cells is n_H * n_W
    a = np.ones(shape) * average
    return a


# GRADED FUNCTION: pool_backward
def pool_backward(dA, cache, mode="max"):
    (A_prev, hparameters) = cache
    stride = hparameters["stride"]
    f = hparameters["f"]
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        a_prev = A_prev[i, :, :, :]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start = h * stride
                    vert_end = h * stride + f
                    horiz_start = w * stride
                    horiz_end = w * stride + f
                    da = dA[i, vert_start, horiz_start, c]  # BUG: dA is indexed by the output cell (h, w)
                    if mode == "max":
                        a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = create_mask_from_window(a_prev_slice)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += np.multiply(mask, da)
                    elif mode == "average":
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += np.ones((f, f)) * da / (f * f)
    return dA_prev
