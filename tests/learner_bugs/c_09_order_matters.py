"""A learner's notebooks of both exercises, exported: three functions do the right steps in the
wrong place or order.

conv_single_step adds the bias inside the sum, pool_backward writes each window's gradient with
= (overlapping windows overwrite one another), initialize_parameters draws W2 before W1, and
linear_activation_backward goes through the linear part before the activation.
conv_forward here is vectorized and does not call conv_single_step.
"""

import numpy as np

BUGS = {
    "conv_single_step": {"bias inside the sum"},              # np.sum(a * W + b)
    "pool_backward": {"assignment for accumulation"},         # dA_prev[window] = ..., not +=
    "initialize_parameters": {"wrong order"},                 # W2 drawn before W1
    "linear_activation_backward": {"wrong order"},            # linear_backward before the activation's backward
}
BATCH = "C"


# GRADED FUNCTION: zero_pad
def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), "constant", constant_values=(0, 0))


# GRADED FUNCTION: conv_single_step
def conv_single_step(a_slice_prev, W, b):
    Z = np.sum(a_slice_prev * W + b)  # BUG: b is added to every cell, f*f*n_C_prev times
    return Z


# GRADED FUNCTION: conv_forward
def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, _, _, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev + 2 * pad - f) // stride + 1
    n_W = (n_W_prev + 2 * pad - f) // stride + 1
    A_prev_pad = zero_pad(A_prev, pad)
    Z = np.zeros((m, n_H, n_W, n_C))
    W_flat = W.reshape(-1, n_C)  # (f*f*n_C_prev, n_C)
    for h in range(n_H):
        for w in range(n_W):
            vs, hs = h * stride, w * stride
            patch = A_prev_pad[:, vs:vs + f, hs:hs + f, :].reshape(m, -1)  # (m, f*f*n_C_prev)
            Z[:, h, w, :] = patch @ W_flat + b.reshape(1, n_C)
    cache = (A_prev, W, b, hparameters)
    return Z, cache


# GRADED FUNCTION: create_mask_from_window
def create_mask_from_window(x):
    mask = x == np.max(x)
    return mask


# GRADED FUNCTION: distribute_value
def distribute_value(dz, shape):
    (n_H, n_W) = shape
    a = np.ones(shape) * dz / (n_H * n_W)
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
                    horiz_end = horiz_start + f
                    if mode == "max":
                        a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = create_mask_from_window(a_prev_slice)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] = mask * dA[i, h, w, c]  # BUG: = instead of +=
                    elif mode == "average":
                        da = dA[i, h, w, c]
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] = distribute_value(da, (f, f))  # same =
    return dA_prev


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z):
    A = np.maximum(0, Z)
    return A, Z


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


# GRADED FUNCTION: initialize_parameters
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W2 = np.random.randn(n_y, n_h) * 0.01  # BUG: drawn first, so W1 and W2 get each other's random numbers
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


# GRADED FUNCTION: linear_backward
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


# GRADED FUNCTION: linear_activation_backward
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    dA_prev, dW, db = linear_backward(dA, linear_cache)  # BUG: the linear part first, with dA as if it were dZ
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    return dA_prev, dW, db
