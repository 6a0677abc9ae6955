"""A learner's notebooks of both exercises, exported: formulas mixed up in the backward passes.

conv_backward adds the window of the input to da_prev_pad (the dW formula) instead of the filter,
distribute_value floor-divides, the vectorized pool_forward takes the max over the wrong axes,
linear_backward "transposes" A_prev with reshape, and sigmoid lost the minus in exp(-Z).
"""

import numpy as np

BUGS = {
    "conv_backward": {"wrong variable"},         # da_prev_pad += a_slice * dZ, should be W[..., c] * dZ
    "distribute_value": {"floor division"},      # dz // (n_H * n_W)
    "pool_forward": {"wrong axis"},              # np.max(window, axis=(1, 2)) on a (f, f, n_C) window
    "linear_backward": {"reshape for transpose"},  # A_prev.reshape(m, n_prev) is not A_prev.T
    "sigmoid": {"sign"},                         # 1 / (1 + exp(Z))
}
BATCH = "C"


# GRADED FUNCTION: zero_pad
def zero_pad(X, pad):
    X_pad = np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), 'constant', constant_values=(0, 0))
    return X_pad


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
            for w in range(n_W):
                window = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, :]  # (f, f, n_C)
                if mode == "max":
                    A[i, h, w, :] = np.max(window, axis=(1, 2))  # BUG: the window's axes are 0 and 1, axis 2 is the channel
                elif mode == "average":
                    A[i, h, w, :] = np.mean(window, axis=(0, 1))
    cache = (A_prev, hparameters)
    return A, cache


# GRADED FUNCTION: conv_backward
def conv_backward(dZ, cache):
    (A_prev, W, b, hparameters) = cache
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    (m, n_H, n_W, n_C) = dZ.shape
    dA_prev = np.zeros((m, n_H_prev, n_W_prev, n_C_prev))
    dW = np.zeros((f, f, n_C_prev, n_C))
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = zero_pad(dA_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start = stride * h
                    vert_end = vert_start + f
                    horiz_start = stride * w
                    horiz_end = horiz_start + f
                    a_slice = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += a_slice * dZ[i, h, w, c]  # BUG: W[:, :, :, c], not a_slice
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


# GRADED FUNCTION: create_mask_from_window
def create_mask_from_window(x):
    mask = x == np.max(x)
    return mask


# GRADED FUNCTION: distribute_value
def distribute_value(dz, shape):
    (n_H, n_W) = shape
    average = dz // (n_H * n_W)  # BUG: // floors the share, dz / (n_H * n_W)
    a = np.ones(shape) * average
    return a


def sigmoid(Z):
    A = 1 / (1 + np.exp(Z))  # BUG: exp(-Z)
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0, Z)
    cache = Z
    return A, cache


def relu_backward(dA, cache):
    Z = cache
    dZ = dA * (Z > 0)
    return dZ


# GRADED FUNCTION: initialize_parameters_deep
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


# GRADED FUNCTION: linear_forward
def linear_forward(A, W, b):
    Z = W.dot(A) + b
    cache = (A, W, b)
    return Z, cache


# GRADED FUNCTION: linear_backward
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    n_prev, m = A_prev.shape
    dW = np.dot(dZ, A_prev.reshape(m, n_prev)) / m  # BUG: reshape keeps the memory order, it is not a transpose
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


# GRADED FUNCTION: update_parameters
def update_parameters(params, grads, learning_rate):
    parameters = {key: value.copy() for key, value in params.items()}
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return parameters
