"""A learner's convolution notebook, exported: padding written by hand, the course's float(b).

Pads by slicing into a zero array (which breaks for pad 0), keeps the course's float(b), unpacks
the pooling input in the wrong order and takes the window's maximum per column for the mask.
conv_forward pads with np.pad itself and adds the bias inline.
"""

import numpy as np

BUGS = {
    "zero_pad": {"padding cut"},                             # X_pad[:, pad:-pad, ...] is empty when pad == 0
    "conv_single_step": {"float of an array"},               # float(b) on a (1, 1, 1) array
    "pool_forward": {"shape order"},                         # (m, n_W_prev, n_H_prev, n_C) = A_prev.shape
    "create_mask_from_window": {"wrong axis", "max for the mask"},  # max of each column, not of the window
}
BATCH = "C"


# GRADED FUNCTION: zero_pad
def zero_pad(X, pad):
    m, n_H, n_W, n_C = X.shape
    X_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C))
    X_pad[:, pad:-pad, pad:-pad, :] = X  # BUG: pad:-pad is an empty slice when pad == 0
    return X_pad


# GRADED FUNCTION: conv_single_step
def conv_single_step(a_slice_prev, W, b):
    s = np.multiply(a_slice_prev, W)
    Z = np.sum(s)
    Z = Z + float(b)  # BUG: float() of a (1, 1, 1) array raises TypeError on current numpy
    return Z


# GRADED FUNCTION: conv_forward
def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters['stride'], hparameters['pad']
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)), 'constant')
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start, horiz_start = h * stride, w * stride
                    a_slice_prev = A_prev_pad[i, vert_start:vert_start + f, horiz_start:horiz_start + f, :]
                    Z[i, h, w, c] = np.sum(a_slice_prev * W[:, :, :, c]) + b[0, 0, 0, c]
    cache = (A_prev, W, b, hparameters)
    return Z, cache


# GRADED FUNCTION: pool_forward
def pool_forward(A_prev, hparameters, mode="max"):
    (m, n_W_prev, n_H_prev, n_C) = A_prev.shape  # BUG: height and width unpacked in the wrong order
    f = hparameters["f"]
    stride = hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
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
    mask = x == np.max(x, axis=0)  # BUG: the maximum of each column, not of the whole window
    return mask


# GRADED FUNCTION: distribute_value
def distribute_value(dz, shape):
    n_H, n_W = shape
    a = np.full((n_H, n_W), dz / (n_H * n_W))
    return a
