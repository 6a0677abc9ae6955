"""A learner's notebooks of both exercises, exported: loop ends and shapes one step off.

conv_forward gives every filter the bias of channel 0, pool_forward's windows end one cell early
(an inclusive end written as f - 1), initialize_parameters_deep draws from np.random.rand,
linear_backward's db loses its column axis, and update_parameters stops before the last layer.
"""

import copy

import numpy as np

BUGS = {
    "conv_forward": {"fixed index"},                 # b[:, :, :, 0] for every filter
    "pool_forward": {"off by one"},                  # vert_end = vert_start + f - 1
    "initialize_parameters_deep": {"wrong function"},  # np.random.rand (uniform), not randn
    "linear_backward": {"keepdims"},                 # np.sum(dZ, axis=1) is (n_l,), not (n_l, 1)
    "update_parameters": {"off by one"},             # range(1, L) misses layer L
}
BATCH = "C"


# GRADED FUNCTION: zero_pad
def zero_pad(X, pad):
    m, n_H, n_W, n_C = X.shape
    X_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C))
    X_pad[:, pad:pad + n_H, pad:pad + n_W, :] = X
    return X_pad


# GRADED FUNCTION: conv_single_step
def conv_single_step(a_slice_prev, W, b):
    s = np.multiply(a_slice_prev, W)
    Z = np.sum(s)
    Z = Z + b.item()
    return Z


# GRADED FUNCTION: conv_forward
def conv_forward(A_prev, W, b, hparameters):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    n_H = int((n_H_prev - f + 2 * pad) / stride) + 1
    n_W = int((n_W_prev - f + 2 * pad) / stride) + 1
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
                    weights = W[:, :, :, c]
                    biases = b[:, :, :, 0]  # BUG: the bias of channel 0 for every filter, b[:, :, :, c]
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
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f - 1  # BUG: slice ends are exclusive, vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f - 1  # same on the columns
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
    mask = x == np.max(x)
    return mask


# GRADED FUNCTION: distribute_value
def distribute_value(dz, shape):
    (n_H, n_W) = shape
    average = dz / (n_H * n_W)
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
        a_prev = A_prev[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    if mode == "max":
                        a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = create_mask_from_window(a_prev_slice)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += mask * dA[i, h, w, c]
                    elif mode == "average":
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev


# GRADED FUNCTION: initialize_parameters
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros(shape=(n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros(shape=(n_y, 1))
    assert W1.shape == (n_h, n_x)
    assert W2.shape == (n_y, n_h)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


# GRADED FUNCTION: initialize_parameters_deep
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters['W' + str(l)] = np.random.rand(layer_dims[l], layer_dims[l - 1]) * 0.01  # BUG: rand is uniform on [0, 1), randn is meant
        parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


# GRADED FUNCTION: linear_backward
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1)  # BUG: keepdims=True missing, db comes out (n_l,) instead of (n_l, 1)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


# GRADED FUNCTION: update_parameters
def update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(1, L):  # BUG: layers are 1 .. L, range(1, L + 1)
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters
