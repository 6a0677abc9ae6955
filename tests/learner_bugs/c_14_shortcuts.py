"""A learner's notebooks of both exercises, exported: numpy shortcuts that do not mean what the
learner thought.

np.pad(X, pad) pads all four axes, np.dot is not the element-wise product, conv_backward's
vectorized db drops its (1, 1, 1) axes, pool_backward spreads the gradient over the output's
shape instead of the window's, L_model_forward ends with a relu, and update_parameters moves b
with dW. conv_backward pads with np.pad itself.
"""

import copy

import numpy as np

BUGS = {
    "zero_pad": {"wrong axis"},                      # np.pad(X, pad) also pads m and n_C
    "conv_single_step": {"wrong function"},          # np.dot(a_slice_prev, W), not a * W
    "conv_backward": {"keepdims"},                   # db = np.sum(dZ, axis=(0, 1, 2)) has shape (n_C,)
    "pool_backward": {"wrong variable"},             # distribute_value(da, (n_H, n_W)), the window is (f, f)
    "L_model_forward": {"wrong activation"},         # the output layer with "relu"
    "update_parameters": {"wrong variable"},         # b updated with grads["dW..."]
}
BATCH = "C"


# GRADED FUNCTION: zero_pad
def zero_pad(X, pad):
    X_pad = np.pad(X, pad, mode="constant", constant_values=0)  # BUG: an int pads every axis, the examples and channels too
    return X_pad


# GRADED FUNCTION: conv_single_step
def conv_single_step(a_slice_prev, W, b):
    s = np.dot(a_slice_prev, W)  # BUG: a matrix product, the course's step is element-wise
    Z = np.sum(s)
    Z = Z + b.item()
    return Z


# GRADED FUNCTION: conv_backward
def conv_backward(dZ, cache):
    (A_prev, W, b, hparameters) = cache
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    (m, n_H, n_W, n_C) = dZ.shape
    widths = ((0, 0), (pad, pad), (pad, pad), (0, 0))
    A_prev_pad = np.pad(A_prev, widths)
    dA_prev_pad = np.zeros(A_prev_pad.shape)
    dW = np.zeros(W.shape)
    for h in range(n_H):
        for w in range(n_W):
            vs, hs = h * stride, w * stride
            a_slices = A_prev_pad[:, vs:vs + f, hs:hs + f, :]   # (m, f, f, n_C_prev)
            g = dZ[:, h, w, :]                                   # (m, n_C)
            dA_prev_pad[:, vs:vs + f, hs:hs + f, :] += np.einsum("ijkc,mc->mijk", W, g)
            dW += np.einsum("mijk,mc->ijkc", a_slices, g)
    db = np.sum(dZ, axis=(0, 1, 2))  # BUG: shape (n_C,), b is (1, 1, 1, n_C): keepdims=True is missing
    dA_prev = dA_prev_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


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


# GRADED FUNCTION: pool_forward
def pool_forward(A_prev, hparameters, mode="max"):
    (m, n_H_prev, n_W_prev, n_C) = A_prev.shape
    f = hparameters["f"]
    stride = hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C))
    for h in range(n_H):
        for w in range(n_W):
            window = A_prev[:, h * stride:h * stride + f, w * stride:w * stride + f, :]
            if mode == "max":
                A[:, h, w, :] = window.max(axis=(1, 2))
            elif mode == "average":
                A[:, h, w, :] = window.mean(axis=(1, 2))
    cache = (A_prev, hparameters)
    return A, cache


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
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += mask * dA[i, h, w, c]
                    elif mode == "average":
                        da = dA[i, h, w, c]
                        shape = (n_H, n_W)  # BUG: the shape of the output, the window is (f, f)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += distribute_value(da, shape)
    return dA_prev


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0, Z)
    cache = Z
    return A, cache


# GRADED FUNCTION: linear_forward
def linear_forward(A, W, b):
    Z = np.matmul(W, A) + b
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
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W%d" % l], parameters["b%d" % l], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W%d" % L], parameters["b%d" % L], "relu")  # BUG: the output layer is a sigmoid
    caches.append(cache)
    return AL, caches


# GRADED FUNCTION: compute_cost
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)


# GRADED FUNCTION: update_parameters
def update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]  # BUG: db, not dW
    return parameters
