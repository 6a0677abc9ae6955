"""A learner's notebooks of both exercises in one file, exported.

conv_forward's output size has its brackets in the wrong place, pool_forward divides with /
and hands a float to np.zeros, and L_model_forward's loop over the hidden layers stops one
layer early.
"""

import numpy as np

BUGS = {
    "conv_forward": {"precedence"},      # n_H_prev - f + 2 * pad / stride: only 2*pad is divided
    "pool_forward": {"true division"},   # n_H = 1 + (n_H_prev - f) / stride is a float
    "L_model_forward": {"off by one"},   # range(1, L - 1) skips the last hidden layer
}
BATCH = "C"


# GRADED FUNCTION: zero_pad
def zero_pad(X, pad):
    X_pad = np.pad(X, pad_width=((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=0)
    return X_pad


# GRADED FUNCTION: conv_single_step
def conv_single_step(a_slice_prev, W, b):
    return np.sum(a_slice_prev * W) + b[0, 0, 0]


# GRADED FUNCTION: conv_forward
def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    n_H = int(n_H_prev - f + 2 * pad / stride) + 1  # BUG: brackets missing, only 2 * pad is divided by the stride
    n_W = int(n_W_prev - f + 2 * pad / stride) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start = stride * h
                    horiz_start = stride * w
                    a_slice_prev = a_prev_pad[vert_start:vert_start + f, horiz_start:horiz_start + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    cache = (A_prev, W, b, hparameters)
    return Z, cache


# GRADED FUNCTION: pool_forward
def pool_forward(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f = hparameters["f"]
    stride = hparameters["stride"]
    n_H = 1 + (n_H_prev - f) / stride  # BUG: true division gives a float, np.zeros refuses it
    n_W = 1 + (n_W_prev - f) / stride
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    window = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    if mode == "max":
                        A[i, h, w, c] = window.max()
                    elif mode == "average":
                        A[i, h, w, c] = window.mean()
    cache = (A_prev, hparameters)
    return A, cache


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z)), Z


def relu(Z):
    return np.maximum(0, Z), Z


# GRADED FUNCTION: linear_forward
def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


# GRADED FUNCTION: linear_activation_forward
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


# GRADED FUNCTION: L_model_forward
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L - 1):  # BUG: layers 1 .. L-1 are range(1, L), this stops one short
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)], parameters['b' + str(l)], activation="relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], activation="sigmoid")
    caches.append(cache)
    return AL, caches


# GRADED FUNCTION: compute_cost
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (-1 / m) * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    cost = np.squeeze(cost)
    return cost
