"""A learner's convolution notebook, exported: W's shape unpacked with its channels swapped, and
a copy-paste slip in pool_backward's columns.

conv_forward reads (f, f, n_C, n_C_prev) from W.shape, so it loops over the input channels as if
they were the filters; pool_backward's horiz_end is built from vert_start.
"""

import numpy as np

BUGS = {
    "conv_forward": {"shape order"},        # (f, f, n_C, n_C_prev) = W.shape
    "pool_backward": {"wrong variable"},    # horiz_end = vert_start + f
}
BATCH = "C"


# GRADED FUNCTION: zero_pad
def zero_pad(X, pad):
    X_pad = np.pad(X, ((0, 0), (pad,) * 2, (pad,) * 2, (0, 0)))
    return X_pad


# GRADED FUNCTION: conv_single_step
def conv_single_step(a_slice_prev, W, b):
    s = a_slice_prev * W
    Z = s.sum()
    Z = Z + b.sum()
    return Z


# GRADED FUNCTION: conv_forward
def conv_forward(A_prev, W, b, hparameters):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C, n_C_prev) = W.shape  # BUG: W is (f, f, n_C_prev, n_C)
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    cache = (A_prev, W, b, hparameters)
    return Z, cache


# GRADED FUNCTION: pool_forward
def pool_forward(A_prev, hparameters, mode="max"):
    (m, n_H_prev, n_W_prev, n_C) = A_prev.shape
    f = hparameters["f"]
    stride = hparameters["stride"]
    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
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
                        A[i, h, w, c] = np.mean(a_prev_slice)
    cache = (A_prev, hparameters)
    return A, cache


# GRADED FUNCTION: create_mask_from_window
def create_mask_from_window(x):
    mask = np.equal(x, np.amax(x))
    return mask


# GRADED FUNCTION: distribute_value
def distribute_value(dz, shape):
    (n_H, n_W) = shape
    average = dz / (n_H * n_W)
    a = average * np.ones((n_H, n_W))
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
        a_prev = A_prev[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start = h * stride
                    vert_end = vert_start + f
                    horiz_start = w * stride
                    horiz_end = vert_start + f  # BUG: copied from the line above, should be horiz_start + f
                    if mode == "max":
                        a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = create_mask_from_window(a_prev_slice)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += np.multiply(mask, dA[i, h, w, c])
                    elif mode == "average":
                        da = dA[i, h, w, c]
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += distribute_value(da, (f, f))
    return dA_prev
